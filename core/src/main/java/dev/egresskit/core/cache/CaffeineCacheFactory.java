package dev.egresskit.core.cache;

/**
 * The cache named {@code caffeine}: the same semantics as the default {@code lruttl} cache
 * ({@link LruTtlCacheFactory}: per-entry TTL, negative caching, single flight, optional
 * serve-stale-on-error, the same meters) on a Caffeine cache bounded by capacity, whose
 * W-TinyLFU policy decides evictions. A hit costs a Caffeine lookup with per-entry expiry, several
 * times the {@code lruttl} hit.
 */
public final class CaffeineCacheFactory implements SourceCacheFactory {

  /** For {@link java.util.ServiceLoader}. */
  public CaffeineCacheFactory() {}

  @Override
  public String name() {
    return CacheSettings.CAFFEINE;
  }

  @Override
  public <V> SourceCache<V> create(CacheSetup<V> setup) {
    return new CaffeineSourceCache<>(setup, SingleFlight.DEFAULT_WAIT_LIMIT);
  }
}
