package dev.egresskit.core.cache;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one cache, named as KumoMTA's {@code lruttl} crate names them (spec §4.1), all
 * labelled {@code cache_name}. See {@link LruTtlCacheFactory} for what each one counts.
 *
 * <p>The counts are plain {@link LongAdder}s that the cache increments directly, read by
 * Micrometer {@link FunctionCounter}s: a hit costs one {@code LongAdder.increment()} and no
 * interface call (a Micrometer {@code Counter} is a {@code DoubleAdder} behind one, measurably
 * slower on the hit path). Every lookup is either a hit or a miss, so
 * {@code lruttl_lookup_count} is not counted separately: it reads {@code hits + misses}.
 *
 * <p>Two caches of the same name on one registry (a policy reloaded, a second resolver) share
 * one set of counts, kept per registry and name, so their meters neither clash nor restart from
 * zero. The gauges read the cache registered last, the one in use.
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

  /**
   * The counts of each cache name, per registry. Weak keys: a registry that is dropped takes
   * its counts with it (the counts never refer to the registry).
   */
  private static final Map<MeterRegistry, Map<String, CacheMeters>> SHARED = new WeakHashMap<>();

  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder loads = new LongAdder();
  final LongAdder loadFailures = new LongAdder();
  final LongAdder evictions = new LongAdder();
  final LongAdder expirations = new LongAdder();
  final LongAdder stale = new LongAdder();

  private CacheMeters() {}

  /**
   * The counts of the cache {@code cacheName} on {@code registry}, registering its counters
   * if the registry has none yet, and its gauges reading {@code size} and {@code waiting}.
   */
  static CacheMeters register(MeterRegistry registry, String cacheName, Supplier<Number> size,
      Supplier<Number> waiting) {
    Tags tags = Tags.of(TAG, cacheName);
    CacheMeters meters;
    synchronized (SHARED) {
      meters = SHARED.computeIfAbsent(registry, r -> new HashMap<>())
          .computeIfAbsent(cacheName, n -> new CacheMeters());
      // Checked every time, so a registry that was cleared gets its counters back.
      if (registry.find(HITS).tags(tags).functionCounter() == null) {
        meters.registerCounters(registry, tags);
      }
    }
    gauge(registry, SIZE, "entries held", tags, size);
    gauge(registry, WAITING, "callers waiting for another caller's load", tags, waiting);
    return meters;
  }

  private void registerCounters(MeterRegistry registry, Tags tags) {
    counter(registry, LOOKUPS, "lookups (hits + misses)", tags,
        m -> m.hits.sum() + m.misses.sum());
    counter(registry, HITS, "lookups answered from the cache (cached failures included)", tags,
        m -> m.hits.sum());
    counter(registry, MISSES, "lookups that loaded or waited for a load", tags,
        m -> m.misses.sum());
    counter(registry, LOADS, "loader invocations", tags, m -> m.loads.sum());
    counter(registry, LOAD_FAILURES, "loader invocations that failed", tags,
        m -> m.loadFailures.sum());
    counter(registry, EVICTIONS, "entries evicted because of the capacity", tags,
        m -> m.evictions.sum());
    counter(registry, EXPIRATIONS, "entries removed because they expired", tags,
        m -> m.expirations.sum());
    counter(registry, STALE, "lookups answered with a stale value after a failed refresh", tags,
        m -> m.stale.sum());
  }

  private void counter(MeterRegistry registry, String name, String description, Tags tags,
      ToDoubleFunction<CacheMeters> count) {
    // Held strongly by the SHARED map while the registry lives, so a weak reference suffices.
    FunctionCounter.builder(name, this, count).description(description).tags(tags)
        .register(registry);
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
}
