package dev.egresskit.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link SourceCache}: a bounded Caffeine cache of completed {@link Entry outcomes}
 * whose lifetime Caffeine takes from each entry ({@link Expiry}), plus {@link SingleFlight} for
 * loads in progress. Loads are kept out of Caffeine's own compute methods on purpose: those hold
 * a lock while the loader runs, and a policy handler may look up other names recursively.
 */
final class CaffeineSourceCache<V> implements SourceCache<V> {
  private static final Logger LOG = LoggerFactory.getLogger(CaffeineSourceCache.class);

  /** Longest lifetime honoured (Caffeine's own limit is ~146 years); avoids nanosecond overflow. */
  private static final long MAX_LIFETIME_NANOS = Duration.ofDays(365L * 50).toNanos();

  private final String name;
  private final Function<? super V, Duration> ttlOf;
  private final long negativeTtlNanos;
  private final long staleGraceNanos;
  private final Ticker ticker;
  private final Cache<String, Entry<V>> entries;
  private final SingleFlight<V> flights;
  private final CacheMeters meters;

  CaffeineSourceCache(CacheSetup<V> setup, Duration waitLimit) {
    this.name = setup.name();
    this.ttlOf = setup.ttlOf();
    this.negativeTtlNanos = nanos(setup.settings().negativeTtl());
    this.staleGraceNanos = nanos(setup.settings().staleGrace());
    this.ticker = setup.ticker();
    this.flights = new SingleFlight<>(name, waitLimit);
    this.entries = Caffeine.newBuilder()
        .maximumSize(setup.settings().capacity())
        .ticker(ticker)
        .expireAfter(new Expiry<String, Entry<V>>() {
          @Override
          public long expireAfterCreate(String key, Entry<V> entry, long currentTime) {
            return Math.max(0, entry.keepUntil() - currentTime);
          }

          @Override
          public long expireAfterUpdate(String key, Entry<V> entry, long currentTime,
              long currentDuration) {
            return Math.max(0, entry.keepUntil() - currentTime);
          }

          @Override
          public long expireAfterRead(String key, Entry<V> entry, long currentTime,
              long currentDuration) {
            return currentDuration;
          }
        })
        .evictionListener((String key, Entry<V> entry, RemovalCause cause) -> countRemoval(cause))
        .build();
    this.meters = new CacheMeters(setup.registry(), name, entries::estimatedSize,
        flights::waiting);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public V getIfCached(String key) {
    Entry<V> current = entries.getIfPresent(key);
    // Caffeine expires an entry at keepUntil; without a stale grace that is also when it stops
    // being fresh, so the clock need not be read again on this path.
    if (current == null || (staleGraceNanos > 0 && !current.isFreshAt(ticker.read()))) {
      return null;
    }
    return hit(current);
  }

  @Override
  public V get(String key, Function<String, ? extends V> loader) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
    Entry<V> current = entries.getIfPresent(key);
    if (current != null && current.isFreshAt(ticker.read())) {
      return hit(current);
    }
    CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
    CompletableFuture<Entry<V>> other = flights.claim(key, mine);
    if (other != null) {
      meters.misses.increment();
      return answer(flights.await(key, other));
    }
    // We own the load. Another load may have finished between our read and our claim.
    Entry<V> latest = entries.getIfPresent(key);
    if (latest != null && latest.isFreshAt(ticker.read())) {
      flights.run(key, mine, () -> latest);
      return hit(latest);
    }
    meters.misses.increment();
    Entry<V> previous = latest != null ? latest : current;
    return answer(flights.run(key, mine, () -> loadAndStore(key, loader, previous)));
  }

  private V hit(Entry<V> entry) {
    meters.hits.increment();
    return answer(entry);
  }

  private V answer(Entry<V> entry) {
    if (entry.isStale()) {
      meters.stale.increment();
    }
    return entry.answer();
  }

  private Entry<V> loadAndStore(String key, Function<String, ? extends V> loader,
      Entry<V> previous) {
    Entry<V> entry = load(key, loader, previous);
    if (entry.keepUntil() - ticker.read() > 0) {
      entries.put(key, entry);
    } else {
      // ttl 0 (or negative TTL 0): nothing is kept, and an outdated entry must not linger.
      entries.invalidate(key);
    }
    return entry;
  }

  private Entry<V> load(String key, Function<String, ? extends V> loader, Entry<V> previous) {
    meters.loads.increment();
    try {
      V value = Objects.requireNonNull(loader.apply(key), "the loader returned null");
      long now = ticker.read();
      long ttl = nanos(ttlOf.apply(value));
      long freshUntil = now + ttl;
      // A value that may never be cached (ttl 0) is never served stale either.
      long keepUntil = ttl == 0 ? freshUntil : freshUntil + staleGraceNanos;
      return Entry.present(value, freshUntil, keepUntil);
    } catch (RuntimeException failure) {
      meters.loadFailures.increment();
      long now = ticker.read();
      if (staleGraceNanos > 0 && previous != null && previous.value() != null
          && now - previous.keepUntil() < 0) {
        LOG.atWarn()
            .addKeyValue("cache", name)
            .addKeyValue("key", key)
            .addKeyValue("error", failure.getMessage())
            .log("refresh failed; serving the previous value until its grace period ends");
        long retryAt = Math.min(now + negativeTtlNanos, previous.keepUntil());
        return Entry.stale(previous.value(), failure, retryAt, previous.keepUntil());
      }
      return Entry.failed(failure, now + negativeTtlNanos);
    }
  }

  private void countRemoval(RemovalCause cause) {
    if (cause == RemovalCause.SIZE) {
      meters.evictions.increment();
    } else if (cause == RemovalCause.EXPIRED) {
      meters.expirations.increment();
    }
  }

  @Override
  public void invalidate(String key) {
    entries.invalidate(key);
  }

  @Override
  public void invalidateAll() {
    entries.invalidateAll();
  }

  @Override
  public long estimatedSize() {
    return entries.estimatedSize();
  }

  @Override
  public void cleanUp() {
    entries.cleanUp();
  }

  private static long nanos(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("negative lifetime: " + duration);
    }
    return duration.compareTo(Duration.ofNanos(MAX_LIFETIME_NANOS)) >= 0
        ? MAX_LIFETIME_NANOS : duration.toNanos();
  }
}
