package dev.egresskit.core.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.function.Supplier;

/**
 * The meters of one cache, named as KumoMTA's {@code lruttl} crate names them (spec §4.1), all
 * labelled {@code cache_name}. See {@link CaffeineCacheFactory} for what each one counts.
 */
final class CacheMeters {
  static final String TAG = "cache_name";
  static final String LOOKUPS = "lruttl_lookup_count";
  static final String HITS = "lruttl_hit_count";
  static final String MISSES = "lruttl_miss_count";
  static final String LOADS = "lruttl_populated_count";
  static final String LOAD_FAILURES = "lruttl_error_count";
  static final String EVICTIONS = "lruttl_evict_count";
  static final String EXPIRATIONS = "lruttl_expire_count";
  static final String STALE = "lruttl_stale_count";
  static final String SIZE = "lruttl_cache_size";
  static final String WAITING = "lruttl_waiting_populate";

  final Counter lookups;
  final Counter hits;
  final Counter misses;
  final Counter loads;
  final Counter loadFailures;
  final Counter evictions;
  final Counter expirations;
  final Counter stale;

  CacheMeters(MeterRegistry registry, String cacheName, Supplier<Number> size,
      Supplier<Number> waiting) {
    Tags tags = Tags.of(TAG, cacheName);
    lookups = counter(registry, LOOKUPS, "lookups", tags);
    hits = counter(registry, HITS, "lookups answered from the cache (cached failures included)",
        tags);
    misses = counter(registry, MISSES, "lookups that loaded or waited for a load", tags);
    loads = counter(registry, LOADS, "loader invocations", tags);
    loadFailures = counter(registry, LOAD_FAILURES, "loader invocations that failed", tags);
    evictions = counter(registry, EVICTIONS, "entries evicted because of the capacity", tags);
    expirations = counter(registry, EXPIRATIONS, "entries removed because they expired", tags);
    stale = counter(registry, STALE, "lookups answered with a stale value after a failed refresh",
        tags);
    gauge(registry, SIZE, "entries held", tags, size);
    gauge(registry, WAITING, "callers waiting for another caller's load", tags, waiting);
  }

  /**
   * Registers a gauge, replacing one with the same name and label left by an earlier cache (for
   * example before a policy reload): a gauge must read the cache that is in use.
   */
  private static void gauge(MeterRegistry registry, String name, String description, Tags tags,
      Supplier<Number> value) {
    Gauge previous = registry.find(name).tags(tags).gauge();
    if (previous != null) {
      registry.remove(previous);
    }
    Gauge.builder(name, value).description(description).tags(tags).register(registry);
  }

  private static Counter counter(MeterRegistry registry, String name, String description,
      Tags tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }
}
