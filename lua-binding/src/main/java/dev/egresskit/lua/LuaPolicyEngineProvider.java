package dev.egresskit.lua;

import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyEngineProvider;
import dev.egresskit.core.policy.PolicySettings;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * Policies written in Lua 5.2 (LuaJ 3.0.1), found by {@link java.util.ServiceLoader} for the
 * {@code .lua} extension, loaded as KumoMTA loads an {@code init.lua}: the top level runs, then
 * {@code pre_init} and {@code init} once, then (when {@link PolicySettings#validating()})
 * {@code validate_config}. A policy registers handlers for any event with {@code kumo.on}
 * (KumoMTA's single- and multiple-handler rules), builds sources and pools with
 * {@code kumo.make_egress_source{...}} / {@code kumo.make_egress_pool{...}} (validated at the
 * call), may define static sources with {@code kumo.define_egress_source{...}}, look up other
 * sources and pools with {@code kumo.invoke_get_egress_source(name)} /
 * {@code kumo.invoke_get_egress_pool(name)}, read data files with {@code kumo.json_load(path)} /
 * {@code kumo.toml_load(path)}, and {@code require} modules along {@code package.path}; every
 * file goes through the read rule ({@link dev.egresskit.core.policy.support.PolicyFiles}).
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
