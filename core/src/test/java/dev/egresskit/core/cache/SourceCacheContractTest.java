package dev.egresskit.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.testing.MutableClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * KumoMTA's cache semantics as a contract: the {@code lruttl} cache runs these cases, and a
 * plug-in cache meant as a drop-in replacement can extend this class (core's test jar).
 */
abstract class SourceCacheContractTest {

  /** The implementation under test. */
  abstract SourceCacheFactory factory();

  /** A cached value: its TTL decides how long the cache keeps it. */
  record Value(String name, Duration ttl) {}

  final MutableClock clock = new MutableClock();
  final MeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger loads = new AtomicInteger();
  private ExecutorService pool;

  @AfterEach
  void stopThreads() throws InterruptedException {
    if (pool != null) {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  SourceCache<Value> cache(CacheSettings settings) {
    return factory().create(
        new CacheSetup<>("test_cache", Value::ttl, settings, clock.ticker(), registry));
  }

  Function<String, Value> loaderWithTtl(Duration ttl) {
    return key -> {
      loads.incrementAndGet();
      return new Value(key + "#" + loads.get(), ttl);
    };
  }

  double counter(String name) {
    return registry.get(name).tag(CacheMeters.TAG, "test_cache").meter().measure().iterator()
        .next().getValue();
  }

  double gauge(String name) {
    return registry.get(name).tag(CacheMeters.TAG, "test_cache").gauge().value();
  }

  @Test
  void valueIsServedFromTheCacheUntilItsOwnTtlEnds() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS);
    Function<String, Value> loader = loaderWithTtl(Duration.ofSeconds(30));

    Value first = cache.get("a", loader);
    clock.advance(Duration.ofSeconds(29));
    assertThat(cache.get("a", loader)).isSameAs(first);
    clock.advance(Duration.ofSeconds(1));
    Value second = cache.get("a", loader);

    assertThat(second).isNotSameAs(first);
    assertThat(loads).hasValue(2);
  }

  @Test
  void eachValueKeepsItsOwnTtl() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS);
    cache.get("short", loaderWithTtl(Duration.ofSeconds(5)));
    cache.get("long", loaderWithTtl(Duration.ofMinutes(5)));

    clock.advance(Duration.ofSeconds(10));
    cache.get("short", loaderWithTtl(Duration.ofSeconds(5)));
    cache.get("long", loaderWithTtl(Duration.ofMinutes(5)));

    assertThat(loads).hasValue(3);
  }

  @Test
  void valueWithTtlZeroIsNeverKept() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS);
    Function<String, Value> loader = loaderWithTtl(Duration.ZERO);

    cache.get("a", loader);
    cache.get("a", loader);
    cache.get("a", loader);

    assertThat(loads).hasValue(3);
    cache.cleanUp();
    assertThat(cache.estimatedSize()).isZero();
  }

  @Test
  void failureIsRethrownAsTheSameInstanceUntilTheNegativeTtlEnds() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS);
    IllegalStateException boom = new IllegalStateException("handler failed");
    Function<String, Value> failing = key -> {
      loads.incrementAndGet();
      throw boom;
    };

    assertThatThrownBy(() -> cache.get("a", failing)).isSameAs(boom);
    clock.advance(Duration.ofSeconds(59));
    assertThatThrownBy(() -> cache.get("a", failing)).isSameAs(boom);
    assertThat(loads).hasValue(1);

    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> cache.get("a", failing)).isSameAs(boom);
    assertThat(loads).hasValue(2);
  }

  @Test
  void negativeTtlIsConfigurable() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS.withNegativeTtl(Duration.ofSeconds(5)));
    Function<String, Value> failing = key -> {
      loads.incrementAndGet();
      throw new IllegalStateException("no");
    };

    assertThatThrownBy(() -> cache.get("a", failing)).hasMessage("no");
    clock.advance(Duration.ofSeconds(4));
    assertThatThrownBy(() -> cache.get("a", failing)).hasMessage("no");
    assertThat(loads).hasValue(1);
    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> cache.get("a", failing)).hasMessage("no");
    assertThat(loads).hasValue(2);
  }

  @Test
  void zeroNegativeTtlRetriesOnTheNextLookup() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS.withNegativeTtl(Duration.ZERO));
    Function<String, Value> failing = key -> {
      loads.incrementAndGet();
      throw new IllegalStateException("no");
    };

    assertThatThrownBy(() -> cache.get("a", failing)).hasMessage("no");
    assertThatThrownBy(() -> cache.get("a", failing)).hasMessage("no");
    assertThat(loads).hasValue(2);
  }

  @Test
  void successAfterAnExpiredFailureIsCached() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS);
    AtomicInteger calls = new AtomicInteger();
    Function<String, Value> flaky = key -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("first call fails");
      }
      return new Value(key, Duration.ofMinutes(1));
    };

    assertThatThrownBy(() -> cache.get("a", flaky)).hasMessage("first call fails");
    clock.advance(Duration.ofSeconds(60));
    assertThat(cache.get("a", flaky).name()).isEqualTo("a");
    assertThat(cache.get("a", flaky).name()).isEqualTo("a");
    assertThat(calls).hasValue(2);
  }

  @Test
  void errorsAreNeitherCachedNorWrapped() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS);
    Function<String, Value> broken = key -> {
      loads.incrementAndGet();
      throw new AssertionError("a bug, not a policy failure");
    };

    assertThatThrownBy(() -> cache.get("a", broken)).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> cache.get("a", broken)).isInstanceOf(AssertionError.class);
    assertThat(loads).hasValue(2);
  }

  @Test
  void loaderReturningNullIsACachedFailure() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS);
    Function<String, Value> nothing = key -> {
      loads.incrementAndGet();
      return null;
    };

    assertThatThrownBy(() -> cache.get("a", nothing)).hasMessageContaining("returned null");
    assertThatThrownBy(() -> cache.get("a", nothing)).hasMessageContaining("returned null");
    assertThat(loads).hasValue(1);
  }

  @Test
  void loaderMayLookUpOtherKeysOfTheSameCache() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS);
    Function<String, Value> inner = loaderWithTtl(Duration.ofMinutes(1));
    Value outer = cache.get("outer", key -> {
      Value nested = cache.get("inner", inner);
      return new Value("outer+" + nested.name(), Duration.ofMinutes(1));
    });

    assertThat(outer.name()).isEqualTo("outer+inner#1");
    assertThat(cache.get("inner", inner).name()).isEqualTo("inner#1");
  }

  @ParameterizedTest(name = "ttl {0}s")
  @ValueSource(longs = {0, 60})
  void sixtyFourConcurrentMissesRunTheLoaderOnce(long ttlSeconds) throws Exception {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS);
    int threads = 64;
    CountDownLatch release = new CountDownLatch(1);
    Function<String, Value> slowLoader = key -> {
      loads.incrementAndGet();
      try {
        assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return new Value(key, Duration.ofSeconds(ttlSeconds));
    };
    pool = Executors.newFixedThreadPool(threads);
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Future<Value>> results = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      results.add(pool.submit(() -> {
        start.await(10, TimeUnit.SECONDS);
        return cache.get("same", slowLoader);
      }));
    }

    // Every other caller must be parked on the one load before it is allowed to finish.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (gauge(CacheMeters.WAITING) < threads - 1 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(gauge(CacheMeters.WAITING)).isEqualTo(threads - 1);
    release.countDown();

    Value first = results.get(0).get(10, TimeUnit.SECONDS);
    for (Future<Value> result : results) {
      assertThat(result.get(10, TimeUnit.SECONDS)).isSameAs(first);
    }
    assertThat(loads).hasValue(1);
    assertThat(counter(CacheMeters.LOADS)).isEqualTo(1);
    assertThat(counter(CacheMeters.MISSES)).isEqualTo(threads);
  }

  @Test
  void concurrentWaitersGetTheSameFailureInstance() throws Exception {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS.withNegativeTtl(Duration.ZERO));
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    IllegalStateException boom = new IllegalStateException("handler failed");
    Function<String, Value> failing = key -> {
      loading.countDown();
      try {
        assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw boom;
    };
    pool = Executors.newFixedThreadPool(2);
    Future<Throwable> owner = pool.submit(() -> catchFailure(() -> cache.get("k", failing)));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
    Future<Throwable> waiter = pool.submit(() -> catchFailure(() -> cache.get("k", failing)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (gauge(CacheMeters.WAITING) < 1 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    release.countDown();

    assertThat(owner.get(10, TimeUnit.SECONDS)).isSameAs(boom);
    assertThat(waiter.get(10, TimeUnit.SECONDS)).isSameAs(boom);
  }

  @Test
  void waiterGivesUpWhenAnotherCallersLoadNeverFinishes() throws Exception {
    SourceCache<Value> cache = new LruTtlSourceCache<>(new CacheSetup<>("test_cache",
        Value::ttl, CacheSettings.DEFAULTS, clock.ticker(), registry), Duration.ofMillis(50));
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Function<String, Value> stuck = key -> {
      loading.countDown();
      try {
        assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Value(key, Duration.ofMinutes(1));
    };
    pool = Executors.newFixedThreadPool(1);
    Future<Value> owner = pool.submit(() -> cache.get("k", stuck));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(() -> cache.get("k", stuck))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("test_cache lookup for \"k\" timed out after 50ms while waiting for another"
            + " caller to populate it");
    release.countDown();
    assertThat(owner.get(10, TimeUnit.SECONDS).name()).isEqualTo("k");
  }

  private static Throwable catchFailure(Runnable action) {
    try {
      action.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  @Test
  void sizeStaysWithinTheCapacityOnceMaintenanceHasRun() {
    int capacity = 16;
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS.withCapacity(capacity));
    Function<String, Value> loader = loaderWithTtl(Duration.ofHours(1));
    for (int i = 0; i < 1_000; i++) {
      cache.get("key-" + i, loader);
      if (i % 100 == 0) {
        cache.cleanUp();
        assertThat(cache.estimatedSize()).isLessThanOrEqualTo(capacity);
      }
    }
    cache.cleanUp();

    assertThat(cache.estimatedSize()).isLessThanOrEqualTo(capacity);
    assertThat(counter(CacheMeters.EVICTIONS)).isGreaterThanOrEqualTo(1_000 - capacity);
    assertThat(gauge(CacheMeters.SIZE)).isLessThanOrEqualTo(capacity);
  }

  @Test
  void defaultCapacityIsThatOfKumoMta() {
    assertThat(CacheSettings.DEFAULTS.capacity()).isEqualTo(128);
    assertThat(CacheSettings.DEFAULTS.negativeTtl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(CacheSettings.DEFAULTS.staleGrace()).isZero();
    assertThat(CacheSettings.DEFAULTS.implementation()).isEqualTo("lruttl");
  }

  @Test
  void metersCountLookupsHitsMissesLoadsFailuresAndExpirations() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS);
    Function<String, Value> loader = loaderWithTtl(Duration.ofSeconds(10));
    Function<String, Value> failing = key -> {
      throw new IllegalStateException("no");
    };

    cache.get("a", loader); // miss, load
    cache.get("a", loader); // hit
    assertThatThrownBy(() -> cache.get("b", failing)); // miss, load, failure
    assertThatThrownBy(() -> cache.get("b", failing)); // hit (cached failure)
    clock.advance(Duration.ofSeconds(10));
    cache.cleanUp(); // "a" expires

    assertThat(counter(CacheMeters.LOOKUPS)).isEqualTo(4);
    assertThat(counter(CacheMeters.HITS)).isEqualTo(2);
    assertThat(counter(CacheMeters.MISSES)).isEqualTo(2);
    assertThat(counter(CacheMeters.LOADS)).isEqualTo(2);
    assertThat(counter(CacheMeters.LOAD_FAILURES)).isEqualTo(1);
    assertThat(counter(CacheMeters.EXPIRATIONS)).isEqualTo(1);
    assertThat(gauge(CacheMeters.SIZE)).isEqualTo(1);
  }

  @Test
  void invalidateForgetsAValueAndACachedFailure() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS);
    Function<String, Value> loader = loaderWithTtl(Duration.ofMinutes(1));
    cache.get("a", loader);
    cache.invalidate("a");
    cache.get("a", loader);
    cache.invalidateAll();
    cache.get("a", loader);

    assertThat(loads).hasValue(3);
  }

  @Test
  void staleValueIsNotServedByDefault() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS);
    AtomicInteger calls = new AtomicInteger();
    Function<String, Value> failsAfterFirst = key -> {
      if (calls.incrementAndGet() > 1) {
        throw new IllegalStateException("policy broken");
      }
      return new Value("v1", Duration.ofSeconds(10));
    };

    cache.get("a", failsAfterFirst);
    clock.advance(Duration.ofSeconds(10));
    assertThatThrownBy(() -> cache.get("a", failsAfterFirst)).hasMessage("policy broken");
  }

  @Test
  void staleValueIsServedWhenARefreshFailsWithinTheGracePeriod() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS
        .withStaleGrace(Duration.ofMinutes(5)).withNegativeTtl(Duration.ofSeconds(30)));
    AtomicInteger calls = new AtomicInteger();
    Function<String, Value> failsAfterFirst = key -> {
      if (calls.incrementAndGet() > 1) {
        throw new IllegalStateException("policy broken");
      }
      return new Value("v1", Duration.ofSeconds(10));
    };

    Value fresh = cache.get("a", failsAfterFirst);
    clock.advance(Duration.ofSeconds(10)); // ttl over: refresh fails, old value served
    assertThat(cache.get("a", failsAfterFirst)).isSameAs(fresh);
    assertThat(calls).hasValue(2);
    clock.advance(Duration.ofSeconds(29)); // still inside the retry back-off
    assertThat(cache.get("a", failsAfterFirst)).isSameAs(fresh);
    assertThat(calls).hasValue(2);
    clock.advance(Duration.ofSeconds(1)); // retry, fails again, still stale
    assertThat(cache.get("a", failsAfterFirst)).isSameAs(fresh);
    assertThat(calls).hasValue(3);
    assertThat(counter(CacheMeters.STALE)).isEqualTo(3);

    clock.advance(Duration.ofMinutes(5)); // grace period over: the failure surfaces
    assertThatThrownBy(() -> cache.get("a", failsAfterFirst)).hasMessage("policy broken");
  }

  @Test
  void successfulRefreshReplacesAStaleValue() {
    SourceCache<Value> cache = cache(CacheSettings.DEFAULTS
        .withStaleGrace(Duration.ofMinutes(5)).withNegativeTtl(Duration.ofSeconds(30)));
    AtomicInteger calls = new AtomicInteger();
    Function<String, Value> failsOnce = key -> {
      if (calls.incrementAndGet() == 2) {
        throw new IllegalStateException("transient");
      }
      return new Value("v" + calls.get(), Duration.ofSeconds(10));
    };

    cache.get("a", failsOnce);
    clock.advance(Duration.ofSeconds(10));
    assertThat(cache.get("a", failsOnce).name()).isEqualTo("v1");
    clock.advance(Duration.ofSeconds(30));
    assertThat(cache.get("a", failsOnce).name()).isEqualTo("v3");
    assertThat(cache.get("a", failsOnce).name()).isEqualTo("v3");
    assertThat(calls).hasValue(3);
  }
}
