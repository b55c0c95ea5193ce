package dev.egresskit.redispolicy;

import dev.egresskit.core.grammar.Durations;
import java.time.Duration;
import java.util.Optional;

/**
 * How long one wait for Redis may last: the shorter of the option that governs it
 * ({@code connect_timeout}, {@code response_timeout}; KumoMTA's documented 30 s when unset) and
 * the time left of the running handler's deadline.
 *
 * @param nanos  the bound, at least 0
 * @param reason what set it, for error texts ({@code the rest of the policy handler deadline})
 */
record WaitBound(long nanos, String reason) {
  /** KumoMTA's documented default for its timeouts. */
  static final Duration KUMO_DEFAULT = Duration.ofSeconds(30);

  /**
   * The bound for one wait.
   *
   * @param option        the option's name, e.g. {@code response_timeout}
   * @param configured    its value, if the policy gave one
   * @param deadlineNanos the handler's deadline ({@link System#nanoTime()} based), or
   *                      {@link Long#MAX_VALUE} when no handler deadline is armed
   * @param nowNanos      the current {@link System#nanoTime()}
   */
  static WaitBound of(String option, Optional<Duration> configured, long deadlineNanos,
      long nowNanos) {
    Duration limit = configured.orElse(KUMO_DEFAULT);
    long optionNanos = saturatedNanos(limit);
    String optionReason = option + " " + Durations.format(limit)
        + (configured.isPresent() ? "" : " (KumoMTA's default)");
    if (deadlineNanos == Long.MAX_VALUE) {
      return new WaitBound(optionNanos, optionReason);
    }
    long left = Math.max(0, deadlineNanos - nowNanos);
    return left < optionNanos
        ? new WaitBound(left, "the rest of the policy handler deadline")
        : new WaitBound(optionNanos, optionReason);
  }

  /** Whether nothing is left to wait. */
  boolean exhausted() {
    return nanos <= 0;
  }

  /** The bound as text, e.g. {@code 480ms}. */
  String text() {
    return Durations.format(Duration.ofMillis(Math.max(0, nanos / 1_000_000)));
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
