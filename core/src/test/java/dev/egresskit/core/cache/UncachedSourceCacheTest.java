package dev.egresskit.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class UncachedSourceCacheTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SourceCache<String> cache = new UncachedCacheFactory().create(new CacheSetup<>(
      "uncached_test", v -> Duration.ofHours(1), CacheSettings.DEFAULTS, new MutableClock().ticker(),
      registry));
  private final AtomicInteger loads = new AtomicInteger();

  @Test
  void everyLookupReachesTheLoaderWhateverTheTtl() {
    Function<String, String> loader = key -> key + loads.incrementAndGet();

    assertThat(cache.get("a", loader)).isEqualTo("a1");
    assertThat(cache.get("a", loader)).isEqualTo("a2");
    assertThat(cache.estimatedSize()).isZero();
  }

  @Test
  void failuresAreNotCached() {
    Function<String, String> failing = key -> {
      loads.incrementAndGet();
      throw new IllegalStateException("no");
    };

    assertThatThrownBy(() -> cache.get("a", failing)).hasMessage("no");
    assertThatThrownBy(() -> cache.get("a", failing)).hasMessage("no");
    assertThat(loads).hasValue(2);
  }

  @Test
  void overlappingLookupsOfOneKeyShareOneLoad() throws Exception {
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Function<String, String> slow = key -> {
      loads.incrementAndGet();
      loading.countDown();
      try {
        assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "shared";
    };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<String> first = pool.submit(() -> cache.get("k", slow));
      assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
      Future<String> second = pool.submit(() -> cache.get("k", slow));
      double waiting = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (waiting < 1 && System.nanoTime() < deadline) {
        waiting = registry.get(CacheMeters.WAITING).gauge().value();
        Thread.onSpinWait();
      }
      release.countDown();

      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("shared");
      assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("shared");
      assertThat(loads).hasValue(1);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
