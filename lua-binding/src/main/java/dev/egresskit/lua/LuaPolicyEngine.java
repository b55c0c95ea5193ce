package dev.egresskit.lua;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.SourceLookup;
import dev.egresskit.core.policy.support.InterpreterPool;
import dev.egresskit.core.policy.support.PolicyFolder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.luaj.vm2.Prototype;

/**
 * A loaded Lua policy: the script is compiled once, and a pool of independently loaded
 * interpreters (each has run the top level) serves handler calls, one thread per interpreter.
 */
final class LuaPolicyEngine implements PolicyEngine {
  private final String scriptName;
  private final InterpreterPool<LuaInterpreter> pool;
  private final Set<Hook<?>> handled;
  private final Map<String, Made<EgressSource>> defined;

  private LuaPolicyEngine(String scriptName, InterpreterPool<LuaInterpreter> pool,
      Set<Hook<?>> handled, Map<String, Made<EgressSource>> defined) {
    this.scriptName = scriptName;
    this.pool = pool;
    this.handled = handled;
    this.defined = defined;
  }

  static LuaPolicyEngine load(Path script, PolicySettings settings) {
    String scriptName = script.getFileName().toString();
    PolicyFolder folder = PolicyFolder.of(script);
    Prototype policy = LuaInterpreter.compile(script, scriptName);
    LuaInterpreter first =
        LuaInterpreter.load(policy, scriptName, folder, settings.handlerDeadline());
    Set<Hook<?>> handled = Hook.all().stream()
        .filter(h -> first.handlers().handler(h).isPresent())
        .collect(Collectors.toUnmodifiableSet());
    InterpreterPool<LuaInterpreter> pool = new InterpreterPool<>(settings.poolSize(),
        settings.handlerDeadline().multipliedBy(2), first,
        () -> LuaInterpreter.load(policy, scriptName, folder, settings.handlerDeadline()),
        interpreter -> { });
    return new LuaPolicyEngine(scriptName, pool, handled, first.definedSources());
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
    try (InterpreterPool.Lease<LuaInterpreter> lease = pool.lease()) {
      try {
        return lease.interpreter().invoke(hook, argument, lookup);
      } catch (LuaInterpreter.DeadlineExceeded e) {
        // Stopped mid-handler: its globals may be half updated; load a fresh one next time.
        lease.discard();
        throw e;
      }
    }
  }

  @Override
  public Map<String, Made<EgressSource>> definedSources() {
    return defined;
  }

  /** How many interpreters this engine has loaded so far (for tests and benchmarks). */
  int interpretersLoaded() {
    return pool.createdCount();
  }

  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return "LuaPolicyEngine[" + scriptName + ", pool of " + pool.maxSize() + "]";
  }
}
