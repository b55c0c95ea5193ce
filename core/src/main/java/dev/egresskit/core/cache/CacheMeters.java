package dev.egresskit.core.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.function.Supplier;

/**
 * The meters of one cache, named as KumoMTA's {@code lruttl} crate names them (spec §4.1), all
 * labelled {@code cache_name}. See {@link LruTtlCacheFactory} for what each one counts.
 *
 * <p>Every lookup is either a hit or a miss, so {@code lruttl_lookup_count} is not counted
 * separately: it reads {@code hits + misses}, and a hit costs one increment. The counters are
 * the registry's (two caches with the same name on one registry share them), and so is the sum.
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
    hits = counter(registry, HITS, "lookups answered from the cache (cached failures included)",
        tags);
    misses = counter(registry, MISSES, "lookups that loaded or waited for a load", tags);
    // The state object is the registry's own hit counter (a function counter holds it weakly,
    // the registry strongly), so the sum outlives the cache that registered it.
    // A second cache of the same name on this registry reads the same counters: keep the first.
    if (registry.find(LOOKUPS).tags(tags).functionCounter() == null) {
      Counter missCounter = misses;
      FunctionCounter.builder(LOOKUPS, hits,
              hitCounter -> hitCounter.count() + missCounter.count())
          .description("lookups (hits + misses)").tags(tags).register(registry);
    }
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
