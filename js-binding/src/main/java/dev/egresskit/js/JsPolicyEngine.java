package dev.egresskit.js;

import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.support.PolicyFiles;
import dev.egresskit.core.policy.support.PooledPolicyEngine;
import dev.egresskit.core.policy.support.StartupEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a JavaScript policy: the script is read once, the first engine runs the top level and
 * KumoMTA's start-up events ({@link StartupEvents}), and a pool of independently loaded
 * sandboxed engines (each has run the top level) serves handler calls, one thread per engine.
 */
final class JsPolicyEngine {
  private JsPolicyEngine() {}

  static PooledPolicyEngine<JsInterpreter> load(Path script, PolicySettings settings) {
    String scriptName = script.getFileName().toString();
    PolicyFiles files = PolicyFiles.of(script, settings.files());
    String source;
    try {
      source = Files.readString(script, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read policy " + script, e);
    }
    PolicyUsage usage = new PolicyUsage();
    JsInterpreter first =
        JsInterpreter.load(scriptName, source, files, settings.validating(), usage);
    StartupEvents.run(first, settings.validating(), usage);
    return PooledPolicyEngine.create(scriptName, "js", settings, first,
        () -> JsInterpreter.load(scriptName, source, files, settings.validating(), usage));
  }
}
