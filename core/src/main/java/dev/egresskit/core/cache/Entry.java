package dev.egresskit.core.cache;

/**
 * The outcome of one load as a cache keeps it: a value, a failure, or (serve-stale-on-error) the
 * previous value together with the failure of its refresh. Times are ticker nanoseconds. The
 * outcome never changes; only {@link #lastUsed}, the coarse time of the latest hit that the
 * {@code lruttl} cache's eviction reads, is written after creation.
 */
final class Entry<V> {
  private final V value;
  private final RuntimeException failure;
  /**
   * The value when a hit may return it as it is (a fresh value, neither failed nor stale), else
   * {@code null}: the hit path reads this one field instead of deciding from two.
   */
  final V plainValue;
  /** Read by the hit path directly. */
  final long freshUntil;
  private final long keepUntil;
  /** Written by hits without synchronization: a stale read only makes eviction less exact. */
  long lastUsed;

  /**
   * @param value      the value, or {@code null} for a failure
   * @param failure    the loader's exception, or {@code null} for a fresh value
   * @param freshUntil until when lookups are answered without loading
   * @param keepUntil  until when the entry is held at all (later than {@code freshUntil} only
   *                   while a stale value may still be served)
   */
  private Entry(V value, RuntimeException failure, long freshUntil, long keepUntil) {
    this.value = value;
    this.failure = failure;
    this.plainValue = failure == null ? value : null;
    this.freshUntil = freshUntil;
    this.keepUntil = keepUntil;
  }

  static <V> Entry<V> present(V value, long freshUntil, long keepUntil) {
    return new Entry<>(value, null, freshUntil, keepUntil);
  }

  static <V> Entry<V> failed(RuntimeException failure, long until) {
    return new Entry<>(null, failure, until, until);
  }

  static <V> Entry<V> stale(V value, RuntimeException failure, long freshUntil, long keepUntil) {
    return new Entry<>(value, failure, freshUntil, keepUntil);
  }

  V value() {
    return value;
  }

  long freshUntil() {
    return freshUntil;
  }

  long keepUntil() {
    return keepUntil;
  }

  /** Whether this is an old value kept because its refresh failed. */
  boolean isStale() {
    return value != null && failure != null;
  }

  boolean isFreshAt(long now) {
    return now - freshUntil < 0;
  }

  /** Whether the entry may be dropped: past {@link #keepUntil()}. */
  boolean isExpiredAt(long now) {
    return now - keepUntil >= 0;
  }

  /** The value, or the failure thrown unchanged. */
  V answer() {
    if (value == null) {
      throw failure;
    }
    return value;
  }
}
