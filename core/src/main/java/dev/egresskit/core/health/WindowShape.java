package dev.egresskit.core.health;

import java.time.Duration;
import java.time.Instant;

/**
 * The bucket layout of a {@code Threshold} rule's sliding window, KumoMTA's {@code CounterSeries}
 * shape (spec §8.2): buckets of {@code ceil(period/60).max(1)} seconds, {@code
 * ceil(period/bucket)} of them clamped to 1..255, aligned to the epoch second. The per-process
 * window and a fleet-wide one (counted in a shared store) use the same layout, so a rule means
 * the same thing in both.
 *
 * @param bucketSeconds the width of one bucket, at least 1
 * @param bucketCount   how many buckets the window holds, 1..255
 */
public record WindowShape(long bucketSeconds, int bucketCount) {

  /** Checks the values. */
  public WindowShape {
    if (bucketSeconds < 1) {
      throw new IllegalArgumentException("bucketSeconds must be at least 1: " + bucketSeconds);
    }
    if (bucketCount < 1 || bucketCount > 255) {
      throw new IllegalArgumentException("bucketCount must be 1..255: " + bucketCount);
    }
  }

  /** The layout for a rule's {@code period}. */
  public static WindowShape of(Duration period) {
    long seconds = Math.max(1, ceilDiv(period.toNanos(), 1_000_000_000L));
    long bucketSeconds = Math.max(1, ceilDiv(seconds, 60));
    return new WindowShape(bucketSeconds,
        (int) Math.min(255, Math.max(1, ceilDiv(seconds, bucketSeconds))));
  }

  /** The index of the bucket holding {@code instant} (epoch seconds / bucket width). */
  public long bucketOf(Instant instant) {
    return Math.floorDiv(instant.getEpochSecond(), bucketSeconds);
  }

  /** How long the whole window spans: {@code bucketSeconds × bucketCount}. */
  public Duration span() {
    return Duration.ofSeconds(bucketSeconds * bucketCount);
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
