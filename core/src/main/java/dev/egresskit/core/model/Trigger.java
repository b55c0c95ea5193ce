package dev.egresskit.core.model;

import java.time.Duration;
import java.util.Objects;

/** When a {@link SuspendOnFailure} rule fires. */
public sealed interface Trigger permits Trigger.Immediate, Trigger.Threshold {

  /** Fires on every matching failure ({@code "Immediate"}). */
  record Immediate() implements Trigger {
    /** The only instance needed. */
    public static final Immediate INSTANCE = new Immediate();
  }

  /**
   * Fires when {@code limit} matching failures fall within {@code period}
   * ({@code {Threshold = "3/5m"}}).
   *
   * @param limit  number of failures, greater than 0
   * @param period the sliding window
   */
  record Threshold(long limit, Duration period) implements Trigger {
    public Threshold {
      Objects.requireNonNull(period, "period");
      if (limit <= 0) {
        throw new IllegalArgumentException("limit must be greater than 0: " + limit);
      }
      if (period.isZero() || period.isNegative()) {
        throw new IllegalArgumentException("period must be positive: " + period);
      }
    }
  }
}
