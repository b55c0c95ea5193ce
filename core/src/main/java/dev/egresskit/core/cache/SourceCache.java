package dev.egresskit.core.cache;

import java.util.function.Function;

/**
 * A cache of values (resolved sources or pools) keyed by the name they were requested under.
 * Thread-safe. Built by a {@link SourceCacheFactory}.
 *
 * <h2>Contract of {@link #get}</h2>
 * <ul>
 *   <li><b>Single flight.</b> Concurrent lookups of one key that find nothing usable run
 *       {@code loader} once; the others wait for that load and get the same outcome. The loader
 *       runs on the calling thread and outside every lock of the cache, so it may itself look up
 *       other keys of this or another cache (a policy handler calling
 *       {@code invoke_get_egress_source}). It must not wait for its own key.</li>
 *   <li><b>Failures are re-thrown unchanged.</b> A {@link RuntimeException} thrown by the loader
 *       reaches every caller of that load, and every later caller while the failure is cached,
 *       as the <em>same instance</em> (so its stack trace is the loading thread's). An
 *       {@link Error} is propagated and never cached.</li>
 *   <li>How long values and failures are kept is the implementation's business; see
 *       {@link SourceCacheFactory}.</li>
 * </ul>
 *
 * @param <V> the cached value type
 */
public interface SourceCache<V> {

  /** The cache's name, also the {@code cache_name} label of its meters. */
  String name();

  /**
   * Returns the value for {@code key}, loading it with {@code loader} when it is missing or
   * expired.
   *
   * @throws RuntimeException the loader's exception, unchanged, when the load failed now or a
   *     cached failure is still current
   */
  V get(String key, Function<String, ? extends V> loader);

  /**
   * The answer for {@code key} if the cache holds a current one, without loading or waiting: the
   * value, or the cached failure re-thrown unchanged. {@code null} means "call {@link #get}".
   * Lookups answered here count as lookups and hits, exactly as in {@link #get}. This is the hot
   * path of a cache hit, so implementations keep it free of allocation and locks.
   *
   * @throws RuntimeException a cached failure that is still current
   */
  default V getIfCached(String key) {
    return null;
  }

  /** Forgets {@code key} (value or cached failure); a load in flight is not cancelled. */
  void invalidate(String key);

  /** Forgets every key. */
  void invalidateAll();

  /** The approximate number of entries held (values and cached failures). */
  long estimatedSize();

  /** Runs pending maintenance (expiry, eviction) now; implementations without any do nothing. */
  default void cleanUp() {}
}
