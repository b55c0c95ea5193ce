package dev.egresskit.core.cache;

/**
 * The default cache, named {@code lruttl} after the KumoMTA crate whose semantics it keeps
 * (spec §4).
 *
 * <ul>
 *   <li><b>Lifetime per entry</b>: a value is fresh for its own {@link CacheSetup#ttlOf() ttl};
 *       a value with {@code ttl = 0} is never kept, so every lookup after its load reaches the
 *       loader again (lookups that arrive <em>during</em> its load still share it).</li>
 *   <li><b>Expiry precision</b>: with the system ticker, a hit compares the entry's expiry with
 *       a clock read every millisecond by one daemon thread ({@code egresskit-coarse-clock}), so
 *       an entry is served for at least its ttl and at most one millisecond longer (longer only
 *       if that thread waits for a CPU). Loads and misses read the exact clock; an injected
 *       {@link CacheSetup#ticker() ticker} is used for everything.</li>
 *   <li><b>Negative caching</b>: a failed load is kept for
 *       {@link CacheSettings#negativeTtl()} and re-thrown as the same exception instance to
 *       every lookup in that time, without calling the loader.</li>
 *   <li><b>Single flight</b>: concurrent misses of one key run the loader once; the others wait
 *       (at most 120 s, KumoMTA's {@code sema_timeout}) and get the same outcome.</li>
 *   <li><b>Capacity</b>: at most {@link CacheSettings#capacity()} entries (values and failures).
 *       Inserting past it evicts as KumoMTA does: 10 random keys are sampled, expired entries
 *       among them are removed, then the least recently hit until
 *       {@code max(1, min(excess, 5))} are gone. Expired entries are otherwise removed when
 *       replaced, sampled, or by {@link SourceCache#cleanUp()}.</li>
 *   <li><b>Serve-stale-on-error</b> (off unless {@link CacheSettings#staleGrace()} is
 *       positive): an entry whose ttl ran out is kept for the grace period longer. When its
 *       refresh fails, lookups keep getting the previous value (and no error) until the grace
 *       period ends, retrying the load at most once per negative TTL; each such lookup counts
 *       in {@code lruttl_stale_count} and each failed refresh is logged at WARN. Values with
 *       {@code ttl = 0} are never served stale.</li>
 * </ul>
 *
 * <p>Meters (label {@code cache_name}): counters {@code lruttl_lookup_count} (every lookup: hits
 * plus misses), {@code lruttl_hit_count} (answered from the cache, cached failures and stale
 * values included), {@code lruttl_miss_count} (lookups that ran or waited for a load),
 * {@code lruttl_populated_count} (loader calls), {@code lruttl_error_count} (failed loader calls),
 * {@code lruttl_evict_count} (capacity evictions), {@code lruttl_expire_count} (expired entries
 * removed), {@code lruttl_stale_count} (lookups answered with a stale value); gauges
 * {@code lruttl_cache_size} and {@code lruttl_waiting_populate} (callers waiting for another
 * caller's load).
 */
public final class LruTtlCacheFactory implements SourceCacheFactory {

  /** For {@link java.util.ServiceLoader}. */
  public LruTtlCacheFactory() {}

  @Override
  public String name() {
    return CacheSettings.LRUTTL;
  }

  @Override
  public <V> SourceCache<V> create(CacheSetup<V> setup) {
    return new LruTtlSourceCache<>(setup, SingleFlight.DEFAULT_WAIT_LIMIT);
  }
}
