package dev.egresskit.js;

import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyEngineProvider;
import dev.egresskit.core.policy.PolicySettings;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * Policies written in JavaScript (standalone Nashorn 15, ECMAScript 6 mode), found by
 * {@link java.util.ServiceLoader} for the {@code .js} extension. A policy registers handlers with
 * {@code kumo.on} and builds sources and pools with {@code kumo.make_egress_source({...})} /
 * {@code kumo.make_egress_pool({...})}: the same {@code kumo} API as the Lua binding, with
 * JavaScript conventions.
 *
 * <p>Each engine keeps a pool of {@link PolicySettings#poolSize()} sandboxed Nashorn engines with
 * no access to Java classes, no {@code exit}/{@code quit}, and {@code load} limited to files in the
 * policy's folder.
 */
public final class JsPolicyEngineProvider implements PolicyEngineProvider {

  /** Used by {@link java.util.ServiceLoader}. */
  public JsPolicyEngineProvider() {}

  @Override
  public String language() {
    return "js";
  }

  @Override
  public Set<String> extensions() {
    return Set.of("js");
  }

  @Override
  public PolicyEngine load(Path script, PolicySettings settings) {
    Objects.requireNonNull(script, "script");
    Objects.requireNonNull(settings, "settings");
    return JsPolicyEngine.load(script, settings);
  }
}
