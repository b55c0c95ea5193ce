package dev.egresskit.js;

import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.support.PolicyFolder;
import dev.egresskit.core.policy.support.PooledPolicyEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import dev.egresskit.core.policy.PolicyUsage;
import java.nio.file.Path;

/**
 * Loads a JavaScript policy: the script is read once, and a pool of independently loaded
 * sandboxed engines (each has run the top level) serves handler calls, one thread per engine.
 */
final class JsPolicyEngine {
  private JsPolicyEngine() {}

  static PooledPolicyEngine<JsInterpreter> load(Path script, PolicySettings settings) {
    String scriptName = script.getFileName().toString();
    PolicyFolder folder = PolicyFolder.of(script);
    String source;
    try {
      source = Files.readString(script, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read policy " + script, e);
    }
    // One record of inert kumo calls per engine, shared by its interpreters.
    PolicyUsage usage = new PolicyUsage();
    JsInterpreter first =
        JsInterpreter.load(scriptName, source, folder, settings.handlerDeadline(), usage);
    return PooledPolicyEngine.create(scriptName, "js", settings, first,
        () -> JsInterpreter.load(scriptName, source, folder, settings.handlerDeadline(), usage));
  }
}
