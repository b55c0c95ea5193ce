package dev.egresskit.core.cache;

/**
 * The default cache, named {@code caffeine}: KumoMTA's {@code lruttl} semantics (spec §4) on
 * Caffeine.
 *
 * <ul>
 *   <li><b>Lifetime per entry</b>: a value is fresh for its own {@link CacheSetup#ttlOf() ttl};
 *       a value with {@code ttl = 0} is never kept, so every lookup after its load reaches the
 *       loader again (lookups that arrive <em>during</em> its load still share it).</li>
 *   <li><b>Negative caching</b>: a failed load is kept for
 *       {@link CacheSettings#negativeTtl()} and re-thrown as the same exception instance to
 *       every lookup in that time, without calling the loader.</li>
 *   <li><b>Capacity</b>: at most {@link CacheSettings#capacity()} entries (values and failures)
 *       once Caffeine's maintenance has run; Caffeine may exceed the bound briefly while it
 *       evicts, and {@link SourceCache#cleanUp()} brings it back.</li>
 *   <li><b>Serve-stale-on-error</b> (off unless {@link CacheSettings#staleGrace()} is
 *       positive): an entry whose ttl ran out is kept for the grace period longer. When its
 *       refresh fails, lookups keep getting the previous value (and no error) until the grace
 *       period ends, retrying the load at most once per negative TTL; each such lookup counts
 *       in {@code lruttl_stale_count} and each failed refresh is logged at WARN. After the grace
 *       period the failure is served as usual. Values with {@code ttl = 0} are never served
 *       stale.</li>
 *   <li><b>Time</b> comes from {@link CacheSetup#ticker()}.</li>
 * </ul>
 *
 * <p>Meters (label {@code cache_name}): counters {@code lruttl_lookup_count} (every lookup),
 * {@code lruttl_hit_count} (answered from the cache, cached failures and stale values included),
 * {@code lruttl_miss_count} (lookups that ran or waited for a load), {@code lruttl_populated_count}
 * (loader calls), {@code lruttl_error_count} (failed loader calls), {@code lruttl_evict_count}
 * (capacity evictions), {@code lruttl_expire_count} (expired entries removed),
 * {@code lruttl_stale_count} (lookups answered with a stale value); gauges
 * {@code lruttl_cache_size} and {@code lruttl_waiting_populate} (callers waiting for another
 * caller's load).
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
