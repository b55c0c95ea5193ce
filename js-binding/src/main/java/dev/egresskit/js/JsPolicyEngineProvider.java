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
 * <p>{@link PolicySettings#handlerDeadline()}: handlers and the top level run on the calling
 * thread. The policy is rewritten once at load ({@link DeadlineChecks}) so that every loop
 * iteration, function entry, {@code catch} and {@code finally} passes a cheap check that throws
 * once the deadline has passed and keeps throwing, so the script cannot catch the stop. The call
 * then fails with {@code policy.js:LINE: <handler> did not finish within <deadline> (the policy
 * handler deadline) and was stopped}, and that interpreter is replaced. {@code eval} and the
 * {@code Function} constructor are refused (their code would carry no checks); built-ins that
 * loop in Java over an array's length or build a string in one step refuse sizes over 16 Mi
 * elements. One thing cannot be stopped: a single regular-expression match (Nashorn's Joni
 * matcher has no hook and ignores interrupts), so a catastrophically backtracking pattern runs
 * to its end and the handler is stopped at its next check after it. Endless recursion fails the
 * call with a stack overflow, and that interpreter is replaced too.
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
