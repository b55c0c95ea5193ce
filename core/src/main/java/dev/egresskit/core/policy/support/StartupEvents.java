package dev.egresskit.core.policy.support;

import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicyUsage;

/**
 * KumoMTA's start-up, for a freshly loaded interpreter (the first of a pool): the
 * {@code pre_init} handlers, then the {@code init} handler, once per process, then, when
 * validating ({@code kumod --validate}, {@code egresskit check}), the {@code validate_config}
 * handlers. What {@code init} defines is kept by the engine (its {@code definedSources}), so it is
 * visible whichever interpreter serves a call; replacement interpreters do not run it again,
 * as KumoMTA's later Lua contexts do not.
 */
public final class StartupEvents {
  private StartupEvents() {}

  /**
   * Runs the start-up events on {@code first}.
   *
   * @param validating whether to run {@code validate_config}; its failures are recorded in
   *                   {@code usage} rather than thrown, so that every one is reported
   * @throws PolicyException if a {@code pre_init} or {@code init} handler fails (the policy does
   *     not load, as KumoMTA does not start)
   */
  public static void run(PooledPolicyEngine.Interpreter first, boolean validating,
      PolicyUsage usage) {
    first.fire("pre_init", e -> {
      throw e;
    });
    first.fire("init", e -> {
      throw e;
    });
    if (validating) {
      first.fire("validate_config", e -> usage.validationFailed(e.getMessage(),
          e.location().orElse(new dev.egresskit.core.policy.ScriptLocation("?", 0))));
    }
  }
}
