package dev.egresskit.core.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link SourceCache}, KumoMTA's {@code lruttl} rebuilt for a cheap hit: a hit is one
 * {@link ConcurrentHashMap#get}, one comparison of the entry's expiry with a coarse clock, and
 * one counter increment. Everything else happens on the miss path under one write lock: storing,
 * the capacity bound (KumoMTA's sampled eviction: when over capacity, 10 random keys are
 * sampled, expired ones among them are removed first, then the least recently hit), and pruning.
 * Loads in flight are kept in {@link SingleFlight}, outside every lock.
 */
final class LruTtlSourceCache<V> implements SourceCache<V> {
  private static final Logger LOG = LoggerFactory.getLogger(LruTtlSourceCache.class);

  /** KumoMTA's {@code lru_samples}. */
  static final int SAMPLES = 10;

  /** Longest lifetime honoured; avoids nanosecond overflow. */
  private static final long MAX_LIFETIME_NANOS = Duration.ofDays(365L * 50).toNanos();

  private final String name;
  private final Function<? super V, Duration> ttlOf;
  private final long negativeTtlNanos;
  private final long staleGraceNanos;
  private final int capacity;
  /** Exact time: when values are loaded and entries dropped. */
  private final Ticker ticker;
  /**
   * Whether hits compare with {@link CoarseClock#now()} (the system ticker) rather than
   * {@link #ticker} (an injected one, used for everything so tests see exact expiry).
   */
  private final boolean coarseHits;
  private final ConcurrentHashMap<String, Entry<V>> entries = new ConcurrentHashMap<>();
  private final KeyRing keys = new KeyRing();
  private final Object writeLock = new Object();
  private final SingleFlight<V> flights;
  private final CacheMeters meters;
  /** {@code meters.hits}, one load closer to the hit path. */
  private final LongAdder hits;

  LruTtlSourceCache(CacheSetup<V> setup, Duration waitLimit) {
    this.name = setup.name();
    this.ttlOf = setup.ttlOf();
    this.negativeTtlNanos = nanos(setup.settings().negativeTtl());
    this.staleGraceNanos = nanos(setup.settings().staleGrace());
    this.capacity = setup.settings().capacity();
    this.ticker = setup.ticker();
    this.coarseHits = ticker == Ticker.systemTicker();
    this.flights = new SingleFlight<>(name, waitLimit);
    this.meters = CacheMeters.register(setup.registry(), name, entries::size, flights::waiting);
    this.hits = meters.hits;
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * The hit path: one map lookup, one comparison with the coarse clock, one increment. The
   * recency that eviction reads is written only when the clock moved since the entry's last
   * hit, so a hot entry's cache line is not written on every hit. Failed and stale entries
   * take {@link #hit}.
   */
  @Override
  public V getIfCached(String key) {
    Entry<V> current = entries.get(key);
    if (current == null) {
      return null;
    }
    long now = hitTime();
    if (now - current.freshUntil >= 0) {
      return null;
    }
    V value = current.plainValue;
    if (value == null) {
      return hit(current, now);
    }
    if (current.lastUsed != now) {
      current.lastUsed = now;
    }
    hits.increment();
    return value;
  }

  private long hitTime() {
    return coarseHits ? CoarseClock.now() : ticker.read();
  }

  @Override
  public V get(String key, Function<String, ? extends V> loader) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
    Entry<V> current = entries.get(key);
    if (current != null && current.isFreshAt(ticker.read())) {
      return hit(current, hitTime());
    }
    CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
    CompletableFuture<Entry<V>> other = flights.claim(key, mine);
    if (other != null) {
      meters.misses.increment();
      return answer(flights.await(key, other));
    }
    // We own the load. Another load may have finished between our read and our claim.
    Entry<V> latest = entries.get(key);
    if (latest != null && latest.isFreshAt(ticker.read())) {
      flights.run(key, mine, () -> latest);
      return hit(latest, hitTime());
    }
    meters.misses.increment();
    Entry<V> previous = latest != null ? latest : current;
    return answer(flights.run(key, mine, () -> loadAndStore(key, loader, previous)));
  }

  private V hit(Entry<V> entry, long now) {
    if (entry.lastUsed != now) {
      entry.lastUsed = now;
    }
    hits.increment();
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
    long now = ticker.read();
    synchronized (writeLock) {
      if (entry.isExpiredAt(now)) {
        // ttl 0 (or negative TTL 0): nothing is kept, and an outdated entry must not linger.
        removeLocked(key, now);
        return entry;
      }
      entry.lastUsed = hitTime();
      Entry<V> replaced = entries.put(key, entry);
      if (replaced == null) {
        keys.add(key);
      } else if (replaced.isExpiredAt(now)) {
        meters.expirations.increment();
      }
      if (keys.size() > capacity) {
        evictLocked(key, now);
      }
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
          && !previous.isExpiredAt(now)) {
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

  /** KumoMTA's eviction: sample, drop the expired, then the least recently hit. */
  private void evictLocked(String inserted, long now) {
    int target = Math.max(1, Math.min(keys.size() - capacity, SAMPLES / 2));
    List<String> sample = keys.sample(SAMPLES, inserted);
    int removed = 0;
    for (String key : sample) {
      Entry<V> entry = entries.get(key);
      if (entry != null && entry.isExpiredAt(now)) {
        removeLocked(key, now);
        removed++;
      }
    }
    sample.removeIf(key -> !entries.containsKey(key));
    sample.sort(Comparator.comparingLong(key -> entries.get(key).lastUsed));
    for (int i = 0; i < sample.size() && removed < target; i++, removed++) {
      entries.remove(sample.get(i));
      keys.remove(sample.get(i));
      meters.evictions.increment();
    }
  }

  /** Removes {@code key}, counting it as expired when it was. */
  private void removeLocked(String key, long now) {
    Entry<V> removed = entries.remove(key);
    keys.remove(key);
    if (removed != null && removed.isExpiredAt(now)) {
      meters.expirations.increment();
    }
  }

  @Override
  public void invalidate(String key) {
    synchronized (writeLock) {
      entries.remove(key);
      keys.remove(key);
    }
  }

  @Override
  public void invalidateAll() {
    synchronized (writeLock) {
      entries.clear();
      keys.clear();
    }
  }

  @Override
  public long estimatedSize() {
    return entries.size();
  }

  /** Drops every expired entry now (KumoMTA prunes every 30 s; here it is done on demand). */
  @Override
  public void cleanUp() {
    long now = ticker.read();
    synchronized (writeLock) {
      for (String key : keys.all()) {
        Entry<V> entry = entries.get(key);
        if (entry != null && entry.isExpiredAt(now)) {
          removeLocked(key, now);
        }
      }
    }
  }

  private static long nanos(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("negative lifetime: " + duration);
    }
    return duration.compareTo(Duration.ofNanos(MAX_LIFETIME_NANOS)) >= 0
        ? MAX_LIFETIME_NANOS : duration.toNanos();
  }
}
