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
 *
 * <p>{@link PolicySettings#handlerDeadline()} only bounds how long a call waits for a free engine:
 * unlike the Lua binding, a JavaScript handler that never returns is <em>not</em> stopped. Nashorn
 * has no instruction hook and ignores interrupts; {@code Thread.stop} raises {@code ThreadDeath},
 * which a JavaScript {@code catch} swallows, so a retry loop survives it; and Nashorn's parser
 * tree API drops {@code let}/{@code const} loops, so loops cannot be instrumented reliably either.
 * Endless recursion is stopped (a stack overflow fails the call and the engine is replaced).
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
