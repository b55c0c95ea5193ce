package dev.egresskit.lua;

import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyEngineProvider;
import dev.egresskit.core.policy.PolicySettings;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * Policies written in Lua 5.2 (LuaJ 3.0.1), found by {@link java.util.ServiceLoader} for the
 * {@code .lua} extension. A policy registers handlers with {@code kumo.on} and builds sources and
 * pools with {@code kumo.make_egress_source{...}} / {@code kumo.make_egress_pool{...}} (validated
 * at the call), may define static sources with {@code kumo.define_egress_source{...}}, look up
 * other sources and pools with {@code kumo.invoke_get_egress_source(name)} /
 * {@code kumo.invoke_get_egress_pool(name)}, and read data files next to the policy with
 * {@code kumo.json_load(path)} / {@code kumo.toml_load(path)}; {@code require} finds Lua modules
 * in the policy's folder only.
 *
 * <p>Each engine keeps a pool of {@link PolicySettings#poolSize()} sandboxed interpreters and stops
 * a handler that runs longer than {@link PolicySettings#handlerDeadline()} (checked between Lua
 * instructions; a single long call into a library function is not interrupted).
 */
public final class LuaPolicyEngineProvider implements PolicyEngineProvider {

  /** Used by {@link java.util.ServiceLoader}. */
  public LuaPolicyEngineProvider() {}

  @Override
  public String language() {
    return "lua";
  }

  @Override
  public Set<String> extensions() {
    return Set.of("lua");
  }

  @Override
  public PolicyEngine load(Path script, PolicySettings settings) {
    Objects.requireNonNull(script, "script");
    Objects.requireNonNull(settings, "settings");
    return LuaPolicyEngine.load(script, settings);
  }
}
