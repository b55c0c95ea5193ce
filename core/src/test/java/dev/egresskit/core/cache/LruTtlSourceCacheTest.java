package dev.egresskit.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The contract, plus what is particular to {@code lruttl}: its eviction and its hit path. */
class LruTtlSourceCacheTest extends SourceCacheContractTest {
  @Override
  SourceCacheFactory factory() {
    return new LruTtlCacheFactory();
  }

  @Test
  void theSizeNeverExceedsTheCapacityEvenBeforeMaintenance() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS.withCapacity(8));
    Function<String, Value> loader = loaderWithTtl(Duration.ofHours(1));
    for (int i = 0; i < 200; i++) {
      cache.get("key-" + i, loader);
      assertThat(cache.estimatedSize()).isLessThanOrEqualTo(8);
      // The entry just stored is never the one evicted for it.
      assertThat(cache.getIfCached("key-" + i)).isNotNull();
    }
    assertThat(counter(CacheMeters.EVICTIONS)).isEqualTo(200 - 8);
  }

  @Test
  void expiredEntriesAreEvictedBeforeLiveOnes() {
    int capacity = 8;
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS.withCapacity(capacity));
    for (int i = 0; i < capacity - 1; i++) {
      cache.get("short-" + i, loaderWithTtl(Duration.ofSeconds(1)));
    }
    cache.get("long", loaderWithTtl(Duration.ofHours(1)));
    clock.advance(Duration.ofSeconds(2));

    cache.get("new", loaderWithTtl(Duration.ofHours(1)));

    // With 9 keys and 10 samples every key is sampled: the 7 expired ones go, the live stay.
    assertThat(cache.estimatedSize()).isEqualTo(2);
    assertThat(counter(CacheMeters.EXPIRATIONS)).isEqualTo(capacity - 1);
    assertThat(counter(CacheMeters.EVICTIONS)).isZero();
    assertThat(cache.getIfCached("long")).isNotNull();
  }

  @Test
  void theLeastRecentlyHitEntryIsEvictedFirst() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS.withCapacity(3));
    Function<String, Value> loader = loaderWithTtl(Duration.ofHours(1));
    cache.get("a", loader);
    clock.advance(Duration.ofSeconds(1));
    cache.get("b", loader);
    clock.advance(Duration.ofSeconds(1));
    cache.get("c", loader);
    clock.advance(Duration.ofSeconds(1));
    assertThat(cache.getIfCached("a")).isNotNull(); // "a" is now the most recently hit

    cache.get("d", loader);

    assertThat(cache.getIfCached("b")).isNull();
    assertThat(cache.getIfCached("a")).isNotNull();
    assertThat(cache.getIfCached("c")).isNotNull();
  }

  @Test
  void aHitExactlyAtTheTtlIsAMiss() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS);
    cache.get("a", loaderWithTtl(Duration.ofSeconds(5)));
    clock.advance(Duration.ofSeconds(5).minusNanos(1));
    assertThat(cache.getIfCached("a")).isNotNull();
    clock.advance(Duration.ofNanos(1));
    assertThat(cache.getIfCached("a")).isNull();
  }

  @Test
  void hitsThroughTheHitPathAreCountedAndAllocateNothing() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS);
    cache.get("a", loaderWithTtl(Duration.ofHours(1)));
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    int calls = 100_000;
    // Interpreted or compiled, a hit allocates nothing; the measurement itself may allocate a
    // little, never ~1 byte per call.
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < calls; i++) {
      cache.getIfCached("a");
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    assertThat(allocated).isLessThan(calls / 10);
    assertThat(counter(CacheMeters.HITS)).isEqualTo(calls);
    assertThat(counter(CacheMeters.LOOKUPS)).isEqualTo(calls + 1);
    assertThat(counter(CacheMeters.MISSES)).isEqualTo(1);
  }

  @Test
  void aCachedFailureAndAStaleValueTakeTheSlowerHitPathAndAreCounted() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS.withStaleGrace(Duration.ofMinutes(5)));
    cache.get("a", loaderWithTtl(Duration.ofSeconds(10)));
    clock.advance(Duration.ofSeconds(10));
    RuntimeException failure = new IllegalStateException("refresh failed");
    Value stale = cache.get("a", key -> {
      throw failure;
    });
    assertThatThrownBy(() -> cache.get("b", key -> {
      throw failure;
    })).isSameAs(failure);

    assertThat(cache.getIfCached("a")).isEqualTo(stale);
    assertThatThrownBy(() -> cache.getIfCached("b")).isSameAs(failure);
    assertThat(counter(CacheMeters.HITS)).isEqualTo(2);
    assertThat(counter(CacheMeters.STALE)).isEqualTo(2);
  }

  @Test
  void twoCachesOfOneNameOnOneRegistryShareTheirCounters() {
    SourceCache<Value> first = cache(CacheSettings.DEFAULTS);
    first.get("a", loaderWithTtl(Duration.ofHours(1)));
    first.getIfCached("a");
    // A second cache of the same name (a reloaded policy): the meters keep counting, from both.
    SourceCache<Value> second = cache(CacheSettings.DEFAULTS);
    second.get("a", loaderWithTtl(Duration.ofHours(1)));
    second.getIfCached("a");
    first.getIfCached("a");

    assertThat(counter(CacheMeters.HITS)).isEqualTo(3);
    assertThat(counter(CacheMeters.MISSES)).isEqualTo(2);
    assertThat(counter(CacheMeters.LOOKUPS)).isEqualTo(5);
    // The size gauge reads the cache registered last.
    second.invalidateAll();
    assertThat(gauge(CacheMeters.SIZE)).isZero();
  }

  @Test
  void aClearedRegistryGetsTheCountersBackWithTheirCounts() {
    SourceCache<Value> first = cache(CacheSettings.DEFAULTS);
    first.get("a", loaderWithTtl(Duration.ofHours(1)));
    registry.clear();

    SourceCache<Value> second = cache(CacheSettings.DEFAULTS);
    second.get("a", loaderWithTtl(Duration.ofHours(1)));

    assertThat(counter(CacheMeters.MISSES)).isEqualTo(2);
    assertThat(counter(CacheMeters.LOADS)).isEqualTo(2);
  }
}
