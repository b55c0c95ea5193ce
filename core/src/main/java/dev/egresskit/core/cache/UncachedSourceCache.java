package dev.egresskit.core.cache;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A {@link SourceCache} that keeps nothing: every lookup reaches the loader, except that
 * lookups of one key made while its load is running share that load (single flight).
 */
final class UncachedSourceCache<V> implements SourceCache<V> {
  private final String name;
  private final SingleFlight<V> flights;
  private final CacheMeters meters;

  UncachedSourceCache(CacheSetup<V> setup, Duration waitLimit) {
    this.name = setup.name();
    this.flights = new SingleFlight<>(name, waitLimit);
    this.meters = CacheMeters.register(setup.registry(), name, () -> 0, flights::waiting);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public V get(String key, Function<String, ? extends V> loader) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
    meters.misses.increment();
    CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
    CompletableFuture<Entry<V>> other = flights.claim(key, mine);
    if (other != null) {
      return flights.await(key, other).answer();
    }
    return flights.run(key, mine, () -> load(key, loader)).answer();
  }

  private Entry<V> load(String key, Function<String, ? extends V> loader) {
    meters.loads.increment();
    try {
      return Entry.present(Objects.requireNonNull(loader.apply(key), "the loader returned null"),
          0, 0);
    } catch (RuntimeException failure) {
      meters.loadFailures.increment();
      return Entry.failed(failure, 0);
    }
  }

  @Override
  public void invalidate(String key) {
    // nothing is kept
  }

  @Override
  public void invalidateAll() {
    // nothing is kept
  }

  @Override
  public long estimatedSize() {
    return 0;
  }
}
