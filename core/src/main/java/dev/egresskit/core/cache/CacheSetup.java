package dev.egresskit.core.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Everything a {@link SourceCacheFactory} needs to build one cache.
 *
 * @param name     the cache's name and the {@code cache_name} label of its meters, e.g.
 *                 {@code egress_source_sources}
 * @param ttlOf    how long a value may be kept, read from the value (a source's or pool's
 *                 {@code ttl}); zero means never kept
 * @param settings capacity, negative TTL, stale grace
 * @param ticker   the time source in nanoseconds (inject a fake one in tests)
 * @param registry where the cache's meters are registered
 * @param <V>      the cached value type
 */
public record CacheSetup<V>(
    String name,
    Function<? super V, Duration> ttlOf,
    CacheSettings settings,
    Ticker ticker,
    MeterRegistry registry) {
  public CacheSetup {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(ttlOf, "ttlOf");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(registry, "registry");
  }
}
