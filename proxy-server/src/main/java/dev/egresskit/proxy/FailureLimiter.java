package dev.egresskit.proxy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failure tokens per client address and username ({@link AuthLimits#failureBurst()} of them,
 * one back every {@link AuthLimits#failureRefill()}): each refused check spends one, and an
 * address without tokens for that username is refused without a check. Counting per username
 * too keeps one misconfigured source of an MTA (one client address for all its sources) from
 * locking out the MTA's other users. Time comes from an injected nanosecond clock. Only pairs
 * that failed are tracked, at most {@link #MAX_TRACKED} (the least recently failing are
 * forgotten first), so a flood cannot grow it without bound; the pending bounds and the fair
 * queue cover such a flood. Thread-safe.
 */
final class FailureLimiter {

  static final int MAX_TRACKED = 16_384;

  private final int burst;
  private final long refillNanos;
  private final LongSupplier nanoTime;
  private final Map<Key, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Bucket> eldest) {
      return size() > MAX_TRACKED;
    }
  };

  FailureLimiter(AuthLimits limits, LongSupplier nanoTime) {
    this.burst = limits.failureBurst();
    this.refillNanos = limits.failureRefill().toNanos();
    this.nanoTime = nanoTime;
  }

  /** A client address and a username. */
  record Key(ClientKey client, String username) {}

  /** Whether the address has no failure token left now for the username. */
  synchronized boolean exhausted(Key key) {
    Bucket bucket = buckets.get(key);
    if (bucket == null) {
      return false;
    }
    if (bucket.refill(nanoTime.getAsLong()) >= burst) {
      buckets.remove(key);
      return false;
    }
    return bucket.tokens < 1;
  }

  /** Spends one of the address's failure tokens for the username. */
  synchronized void failed(Key key) {
    long now = nanoTime.getAsLong();
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    bucket.refill(now);
    bucket.tokens = Math.max(0, bucket.tokens - 1);
  }

  /** Failure tokens of one address: refilled lazily from the time of the last refill. */
  private final class Bucket {
    private long tokens;
    private long refilledAt;

    Bucket(long tokens, long now) {
      this.tokens = tokens;
      this.refilledAt = now;
    }

    long refill(long now) {
      long earned = (now - refilledAt) / refillNanos;
      if (earned > 0) {
        tokens = Math.min(burst, tokens + earned);
        refilledAt = tokens >= burst ? now : refilledAt + earned * refillNanos;
      }
      return tokens;
    }
  }
}
