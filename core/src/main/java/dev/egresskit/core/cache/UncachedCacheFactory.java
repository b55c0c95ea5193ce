package dev.egresskit.core.cache;

/**
 * A cache named {@code uncached} that keeps nothing, for operators who want every lookup to
 * reach the policy (for example while editing it). Lookups of one name that overlap in time
 * still share a single load; a lookup that starts after that load finished runs the loader
 * again. Failures are not cached ({@link CacheSettings#negativeTtl()} and
 * {@link CacheSettings#staleGrace()} are ignored). Meters as for {@link LruTtlCacheFactory},
 * with no hits.
 */
public final class UncachedCacheFactory implements SourceCacheFactory {

  /** For {@link java.util.ServiceLoader}. */
  public UncachedCacheFactory() {}

  @Override
  public String name() {
    return CacheSettings.UNCACHED;
  }

  @Override
  public <V> SourceCache<V> create(CacheSetup<V> setup) {
    return new UncachedSourceCache<>(setup, SingleFlight.DEFAULT_WAIT_LIMIT);
  }
}
