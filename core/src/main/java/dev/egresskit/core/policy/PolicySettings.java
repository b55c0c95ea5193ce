package dev.egresskit.core.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * Engine-independent settings for loading and running a policy.
 *
 * @param poolSize        how many independently loaded interpreters an engine may keep, so
 *                        concurrent misses for different names run in parallel (at least 1)
 * @param handlerDeadline the longest a single handler call may run before it is stopped
 */
public record PolicySettings(int poolSize, Duration handlerDeadline) {

  /** Pool size = available processors, 5 s handler deadline. */
  public static final PolicySettings DEFAULTS =
      new PolicySettings(Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(5));

  public PolicySettings {
    Objects.requireNonNull(handlerDeadline, "handlerDeadline");
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be at least 1: " + poolSize);
    }
    if (handlerDeadline.isZero() || handlerDeadline.isNegative()) {
      throw new IllegalArgumentException("handlerDeadline must be positive: " + handlerDeadline);
    }
  }
}
