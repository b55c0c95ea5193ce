package dev.egresskit.core.model;

import java.time.Duration;
import java.util.Objects;

/**
 * One auto-suspension rule: when {@code trigger} fires, suspend the source for {@code duration}.
 *
 * @param trigger  when to suspend (default {@link Trigger.Immediate})
 * @param duration how long the suspension lasts (required in a policy)
 */
public record SuspendOnFailure(Trigger trigger, Duration duration) {
  public SuspendOnFailure {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative: " + duration);
    }
  }
}
