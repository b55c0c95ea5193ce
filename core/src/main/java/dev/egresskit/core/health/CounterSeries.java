package dev.egresskit.core.health;

import java.time.Duration;
import java.time.Instant;

/**
 * A sliding-window counter with KumoMTA's {@code CounterSeries} shape (spec §8.2, see {@link
 * WindowShape}). Buckets that fall out of the window are zeroed as time advances. Thread-safe.
 */
final class CounterSeries {
  private final Duration period;
  private final WindowShape shape;
  private final long[] buckets;
  private long head;
  private boolean started;

  CounterSeries(Duration period) {
    this.period = period;
    this.shape = WindowShape.of(period);
    this.buckets = new long[shape.bucketCount()];
  }

  Duration period() {
    return period;
  }

  long bucketSeconds() {
    return shape.bucketSeconds();
  }

  int bucketCount() {
    return buckets.length;
  }

  /** Adds one at {@code now} and returns the sum over the window. */
  synchronized long incrementAndSum(Instant now) {
    advance(now);
    buckets[slot(head)]++;
    return sum();
  }

  /** The sum over the window ending at {@code now}. */
  synchronized long sum(Instant now) {
    advance(now);
    return sum();
  }

  private void advance(Instant now) {
    long bucket = shape.bucketOf(now);
    if (!started) {
      head = bucket;
      started = true;
      return;
    }
    if (bucket <= head) {
      return; // same bucket, or the clock stepped back: keep counting into the newest bucket
    }
    long gap = bucket - head;
    if (gap >= buckets.length) {
      java.util.Arrays.fill(buckets, 0);
    } else {
      for (long b = head + 1; b <= bucket; b++) {
        buckets[slot(b)] = 0;
      }
    }
    head = bucket;
  }

  private long sum() {
    long total = 0;
    for (long count : buckets) {
      total += count;
    }
    return total;
  }

  private int slot(long bucket) {
    return (int) Math.floorMod(bucket, (long) buckets.length);
  }
}
