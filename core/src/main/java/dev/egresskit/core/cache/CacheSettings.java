package dev.egresskit.core.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * How the source and pool caches behave.
 *
 * @param capacity       the most entries each cache keeps (KumoMTA's default: 128)
 * @param negativeTtl    how long a failed lookup is remembered and re-thrown without calling
 *                       the policy again (KumoMTA: a fixed 60 s); zero disables negative caching
 * @param staleGrace     serve-stale-on-error: after an entry's TTL, for at most this long, a
 *                       failed refresh keeps serving the previous value; {@link Duration#ZERO}
 *                       (the default) turns it off, as in KumoMTA
 * @param implementation the {@link SourceCacheFactory#name() name} of the cache implementation,
 *                       e.g. {@code lruttl} or {@code uncached}
 */
public record CacheSettings(
    int capacity, Duration negativeTtl, Duration staleGrace, String implementation) {

  /** The default implementation's name: KumoMTA's {@code lruttl} semantics, cheap hits. */
  public static final String LRUTTL = "lruttl";

  /** The implementation that never keeps anything. */
  public static final String UNCACHED = "uncached";

  /** KumoMTA's defaults: capacity 128, failures kept 60 s, no stale reads, {@code lruttl}. */
  public static final CacheSettings DEFAULTS =
      new CacheSettings(128, Duration.ofSeconds(60), Duration.ZERO, LRUTTL);

  public CacheSettings {
    Objects.requireNonNull(negativeTtl, "negativeTtl");
    Objects.requireNonNull(staleGrace, "staleGrace");
    Objects.requireNonNull(implementation, "implementation");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    if (negativeTtl.isNegative()) {
      throw new IllegalArgumentException("negativeTtl must not be negative: " + negativeTtl);
    }
    if (staleGrace.isNegative()) {
      throw new IllegalArgumentException("staleGrace must not be negative: " + staleGrace);
    }
    if (implementation.isBlank()) {
      throw new IllegalArgumentException("implementation must name a SourceCacheFactory");
    }
  }

  /** These settings with another capacity. */
  public CacheSettings withCapacity(int newCapacity) {
    return new CacheSettings(newCapacity, negativeTtl, staleGrace, implementation);
  }

  /** These settings with another negative TTL. */
  public CacheSettings withNegativeTtl(Duration newNegativeTtl) {
    return new CacheSettings(capacity, newNegativeTtl, staleGrace, implementation);
  }

  /** These settings with another stale grace period ({@link Duration#ZERO} = off). */
  public CacheSettings withStaleGrace(Duration newStaleGrace) {
    return new CacheSettings(capacity, negativeTtl, newStaleGrace, implementation);
  }

  /** These settings with another implementation name. */
  public CacheSettings withImplementation(String newImplementation) {
    return new CacheSettings(capacity, negativeTtl, staleGrace, newImplementation);
  }
}
