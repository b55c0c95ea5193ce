package dev.egresskit.core.cache;

/**
 * The outcome of one load as the cache keeps it: a value, a failure, or (serve-stale-on-error)
 * the previous value together with the failure of its refresh. Times are ticker nanoseconds.
 *
 * @param value      the value, or {@code null} for a failure
 * @param failure    the loader's exception, or {@code null} for a fresh value
 * @param freshUntil until when lookups are answered without loading
 * @param keepUntil  until when the entry is held at all (later than {@code freshUntil} only
 *                   while a stale value may still be served)
 */
record Entry<V>(V value, RuntimeException failure, long freshUntil, long keepUntil) {

  static <V> Entry<V> present(V value, long freshUntil, long keepUntil) {
    return new Entry<>(value, null, freshUntil, keepUntil);
  }

  static <V> Entry<V> failed(RuntimeException failure, long until) {
    return new Entry<>(null, failure, until, until);
  }

  static <V> Entry<V> stale(V value, RuntimeException failure, long freshUntil, long keepUntil) {
    return new Entry<>(value, failure, freshUntil, keepUntil);
  }

  /** Whether this is an old value kept because its refresh failed. */
  boolean isStale() {
    return value != null && failure != null;
  }

  boolean isFreshAt(long now) {
    return now - freshUntil < 0;
  }

  /** The value, or the failure thrown unchanged. */
  V answer() {
    if (value == null) {
      throw failure;
    }
    return value;
  }
}
