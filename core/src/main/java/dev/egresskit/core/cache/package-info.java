/**
 * The cache of resolved sources and pools: the {@link dev.egresskit.core.cache.SourceCache} SPI,
 * its {@link dev.egresskit.core.cache.SourceCacheFactory} (found with
 * {@link java.util.ServiceLoader}, chosen by {@link dev.egresskit.core.cache.CacheSettings#implementation()
 * name}), and two implementations: {@code lruttl} (the default: KumoMTA's per-entry TTL,
 * single-flight loads, negative caching, sampled eviction, optional serve-stale-on-error, with a
 * hit that is one map lookup) and {@code uncached} (every lookup reaches the policy).
 */
package dev.egresskit.core.cache;
