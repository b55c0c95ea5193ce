package dev.egresskit.lua;

import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.kumo.PolicyModules;
import dev.egresskit.core.policy.support.PolicyFiles;
import dev.egresskit.core.policy.support.PooledPolicyEngine;
import dev.egresskit.core.policy.support.StartupEvents;
import java.nio.file.Path;
import org.luaj.vm2.Prototype;

/**
 * Loads a Lua policy: the script is compiled once, the first interpreter runs the top level and
 * KumoMTA's start-up events ({@link StartupEvents}), and a pool of independently loaded
 * interpreters (each has run the top level) serves handler calls, one thread per interpreter.
 * One {@link PolicyUsage} records what {@code check} reports, for all of them; one
 * {@link PolicyModules} ({@code require 'redis'}, ...) serves them all and closes with the engine.
 */
final class LuaPolicyEngine {
  private LuaPolicyEngine() {}

  static PooledPolicyEngine<LuaInterpreter> load(Path script, PolicySettings settings) {
    String scriptName = script.getFileName().toString();
    PolicyFiles files = PolicyFiles.of(script, settings.files());
    Prototype policy = LuaCompiler.compile(script, scriptName);
    PolicyUsage usage = new PolicyUsage();
    // One set of modules (redis, ...) per policy: its interpreters share their connections.
    PolicyModules modules = PolicyModules.load();
    try {
      LuaInterpreter first =
          LuaInterpreter.load(policy, scriptName, files, settings, usage, modules);
      StartupEvents.run(first, settings.validating(), usage);
      return PooledPolicyEngine.create(scriptName, "lua", settings, first,
          () -> LuaInterpreter.load(policy, scriptName, files, settings, usage, modules),
          modules);
    } catch (RuntimeException | Error e) {
      modules.close();
      throw e;
    }
  }
}
