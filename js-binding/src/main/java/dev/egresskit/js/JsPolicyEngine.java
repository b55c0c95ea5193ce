package dev.egresskit.js;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.SourceLookup;
import dev.egresskit.core.policy.support.InterpreterPool;
import dev.egresskit.core.policy.support.PolicyFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A loaded JavaScript policy: the script is read once, and a pool of independently loaded
 * sandboxed engines (each has run the top level) serves handler calls, one thread per engine.
 */
final class JsPolicyEngine implements PolicyEngine {
  private final String scriptName;
  private final InterpreterPool<JsInterpreter> pool;
  private final Set<Hook<?>> handled;
  private final Map<String, Made<EgressSource>> defined;

  private JsPolicyEngine(String scriptName, InterpreterPool<JsInterpreter> pool,
      Set<Hook<?>> handled, Map<String, Made<EgressSource>> defined) {
    this.scriptName = scriptName;
    this.pool = pool;
    this.handled = handled;
    this.defined = defined;
  }

  static JsPolicyEngine load(Path script, PolicySettings settings) {
    String scriptName = script.getFileName().toString();
    PolicyFolder folder = PolicyFolder.of(script);
    String source;
    try {
      source = Files.readString(script, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read policy " + script, e);
    }
    JsInterpreter first = JsInterpreter.load(scriptName, source, folder);
    Set<Hook<?>> handled = Hook.all().stream()
        .filter(h -> first.handlers().handler(h).isPresent())
        .collect(Collectors.toUnmodifiableSet());
    InterpreterPool<JsInterpreter> pool = new InterpreterPool<>(settings.poolSize(),
        settings.handlerDeadline().multipliedBy(2), first,
        () -> JsInterpreter.load(scriptName, source, folder), interpreter -> { });
    return new JsPolicyEngine(scriptName, pool, handled, first.definedSources());
  }

  @Override
  public String scriptName() {
    return scriptName;
  }

  @Override
  public boolean hasHandler(Hook<?> hook) {
    return handled.contains(hook);
  }

  @Override
  public <T> Made<T> invoke(Hook<T> hook, String argument, SourceLookup lookup) {
    try (InterpreterPool.Lease<JsInterpreter> lease = pool.lease()) {
      try {
        return lease.interpreter().invoke(hook, argument, lookup);
      } finally {
        if (lease.interpreter().broken()) {
          lease.discard();
        }
      }
    }
  }

  @Override
  public Map<String, Made<EgressSource>> definedSources() {
    return defined;
  }

  /** How many engines this policy has loaded so far (for tests and benchmarks). */
  int interpretersLoaded() {
    return pool.createdCount();
  }

  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return "JsPolicyEngine[" + scriptName + ", pool of " + pool.maxSize() + "]";
  }
}
