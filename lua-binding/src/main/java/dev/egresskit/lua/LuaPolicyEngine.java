package dev.egresskit.lua;

import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.support.PolicyFolder;
import dev.egresskit.core.policy.support.PooledPolicyEngine;
import dev.egresskit.core.policy.PolicyUsage;
import java.nio.file.Path;
import org.luaj.vm2.Prototype;

/**
 * Loads a Lua policy: the script is compiled once, and a pool of independently loaded
 * interpreters (each has run the top level) serves handler calls, one thread per interpreter.
 */
final class LuaPolicyEngine {
  private LuaPolicyEngine() {}

  static PooledPolicyEngine<LuaInterpreter> load(Path script, PolicySettings settings) {
    String scriptName = script.getFileName().toString();
    PolicyFolder folder = PolicyFolder.of(script);
    Prototype policy = LuaInterpreter.compile(script, scriptName);
    // One record of inert kumo calls per engine, shared by its interpreters.
    PolicyUsage usage = new PolicyUsage();
    LuaInterpreter first =
        LuaInterpreter.load(policy, scriptName, folder, settings.handlerDeadline(), usage);
    return PooledPolicyEngine.create(scriptName, "lua", settings, first,
        () -> LuaInterpreter.load(policy, scriptName, folder, settings.handlerDeadline(), usage));
  }
}
