package dev.egresskit.embed.assembly;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.ProvidesIntoMap;
import com.google.inject.multibindings.StringMapKey;
import dev.egresskit.core.policy.PolicyEngineProvider;
import dev.egresskit.lua.LuaPolicyEngineProvider;

/** The Lua policy engine (LuaJ), contributed to the engines map under {@code lua}. */
public final class LuaModule extends AbstractModule {

  @ProvidesIntoMap
  @StringMapKey("lua")
  PolicyEngineProvider lua() {
    return new LuaPolicyEngineProvider();
  }
}
