/**
 * The cache of resolved sources and pools: the {@link dev.egresskit.core.cache.SourceCache} SPI,
 * its {@link dev.egresskit.core.cache.SourceCacheFactory} (found with
 * {@link java.util.ServiceLoader}, chosen by {@link dev.egresskit.core.cache.CacheSettings#implementation()
 * name}), and two implementations: {@code caffeine} (the default: per-entry TTL, single-flight
 * loads, negative caching, optional serve-stale-on-error) and {@code uncached} (every lookup
 * reaches the policy).
 */
package dev.egresskit.core.cache;
