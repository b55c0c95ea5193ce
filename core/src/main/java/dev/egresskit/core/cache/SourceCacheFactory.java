package dev.egresskit.core.cache;

/**
 * Service-provider interface for a {@link SourceCache} implementation. Implementations are
 * listed in {@code META-INF/services/dev.egresskit.core.cache.SourceCacheFactory}, have a public
 * no-argument constructor, and are chosen by {@link #name()} (see {@link SourceCaches}).
 *
 * <p>Built in:
 * <ul>
 *   <li>{@code lruttl} ({@link LruTtlCacheFactory}, the default): KumoMTA's semantics with a
 *       hit that is one map lookup;</li>
 *   <li>{@code uncached} ({@link UncachedCacheFactory}): every lookup reaches the loader.</li>
 * </ul>
 */
public interface SourceCacheFactory {

  /** The name this implementation is selected by, e.g. {@code lruttl}. */
  String name();

  /** Builds a new, empty cache. */
  <V> SourceCache<V> create(CacheSetup<V> setup);
}
