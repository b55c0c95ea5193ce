package dev.egresskit.js;

import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.kumo.PolicyModules;
import dev.egresskit.core.policy.support.PolicyFiles;
import dev.egresskit.core.policy.support.PooledPolicyEngine;
import dev.egresskit.core.policy.support.StartupEvents;
import dev.egresskit.core.policy.ScriptLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import dev.egresskit.core.policy.PolicyUsage;
import java.nio.file.Path;
import java.time.Duration;
import javax.script.CompiledScript;
import javax.script.ScriptException;

/**
 * Loads a JavaScript policy once and evaluates it many times: the script is read, given its
 * deadline checks and compiled once in the {@linkplain JsRuntime#shared() shared runtime}; every
 * interpreter of the pool is a fresh sandboxed global that has run the compiled top level. The
 * first one also runs KumoMTA's start-up events ({@link StartupEvents}).
 */
final class JsPolicyEngine {
  private JsPolicyEngine() {}

  static PooledPolicyEngine<JsInterpreter> load(Path script, PolicySettings settings) {
    String scriptName = script.getFileName().toString();
    PolicyFiles files = PolicyFiles.of(script, settings.files());
    String source = readUtf8(script, scriptName);
    JsRuntime runtime = JsRuntime.shared();
    CompiledScript compiled;
    try {
      compiled = runtime.compile(scriptName, DeadlineChecks.instrument(scriptName, source));
    } catch (ScriptException e) {
      throw JsErrors.translate(e, null, new ScriptLocation(scriptName, 0));
    }
    Duration deadline = settings.handlerDeadline();
    PolicyUsage usage = new PolicyUsage();
    boolean validating = settings.validating();
    // One set of modules (kumo.redis, ...) per policy: its interpreters share their connections.
    PolicyModules modules = PolicyModules.load();
    try {
      JsInterpreter first = JsInterpreter.load(runtime, compiled, scriptName, files, deadline,
          validating, usage, modules);
      StartupEvents.run(first, validating, usage);
      return PooledPolicyEngine.create(scriptName, "js", settings, first,
          () -> JsInterpreter.load(runtime, compiled, scriptName, files, deadline, validating,
              usage, modules), modules);
    } catch (RuntimeException | Error e) {
      modules.close();
      throw e;
    }
  }

  /**
   * The policy's text; a byte sequence that is not UTF-8 is a policy error naming the line.
   */
  static String readUtf8(Path script, String scriptName) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(script);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read policy " + script, e);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(in, out, true);
    if (result.isError()) {
      int bad = in.position();
      String before = out.flip().toString();
      int line = DeadlineChecks.lineOf(before, before.length());
      int column = before.length() - before.lastIndexOf('\n');
      ScriptLocation at = new ScriptLocation(scriptName, line);
      throw new PolicyException(String.format("%s: byte 0x%02X at column %d is not UTF-8 (allowed:"
          + " a policy saved as UTF-8 text)", at, bytes[bad] & 0xFF, column), at);
    }
    return out.flip().toString();
  }
}
