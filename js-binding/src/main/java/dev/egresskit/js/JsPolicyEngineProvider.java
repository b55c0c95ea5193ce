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
 * <p>{@link PolicySettings#handlerDeadline()}: Nashorn has no instruction hook and ignores
 * interrupts, so each top-level handler call runs on a worker thread and the caller waits at most
 * the deadline. Past it the caller gets an error naming the handler and the script, the engine is
 * discarded and replaced, and the worker is stopped with {@code Thread.stop}. A script that
 * catches that stop and loops on cannot be ended by anything inside the JVM: its worker stays busy
 * (and is logged), but the caller and the other engines are not held up. Endless recursion fails
 * the call with a stack overflow, and that engine is replaced too.
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
