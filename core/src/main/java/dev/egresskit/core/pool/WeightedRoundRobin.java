package dev.egresskit.core.pool;

import dev.egresskit.core.model.PoolEntry;
import java.util.List;

/**
 * KumoMTA's weighted round robin (LVS WRR, spec §7.3), including its quirk: the state starts at
 * index 0 and is incremented before the first check, so the first pick is entry 1. The state
 * persists across calls even when the list passed in changes (suspended entries are left out
 * by the caller), exactly as in KumoMTA. Not thread-safe; {@link PoolSelector} guards it.
 */
final class WeightedRoundRobin {
  private int currentIndex;
  private long currentWeight;

  /** The next entry of {@code entries} (all with weight > 0), or {@code null} if there is none. */
  PoolEntry next(List<PoolEntry> entries) {
    int n = entries.size();
    if (n == 0) {
      return null;
    }
    if (n == 1) {
      return entries.get(0); // state untouched
    }
    long max = 0;
    long gcd = 0;
    for (PoolEntry entry : entries) {
      max = Math.max(max, entry.weight());
      gcd = gcd(gcd, entry.weight());
    }
    // Terminates within n steps of reaching an entry of weight max (max >= currentWeight).
    while (true) {
      currentIndex = (currentIndex + 1) % n;
      if (currentIndex == 0) {
        currentWeight = Math.max(currentWeight - gcd, 0);
        if (currentWeight == 0) {
          currentWeight = max;
        }
      }
      PoolEntry candidate = entries.get(currentIndex);
      if (candidate.weight() >= currentWeight) {
        return candidate;
      }
    }
  }

  /**
   * How many picks one full cycle over {@code entries} takes: the sum of the weights over their
   * greatest common divisor (entries of weight 0 are never picked); 0 when no entry can be.
   */
  static long cycleLength(List<PoolEntry> entries) {
    long gcd = 0;
    long sum = 0;
    for (PoolEntry entry : entries) {
      if (entry.weight() > 0) {
        gcd = gcd(gcd, entry.weight());
        sum += entry.weight();
      }
    }
    return gcd == 0 ? 0 : sum / gcd;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
