package dev.egresskit.core.testing;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock for tests that only moves when told to, usable both as a {@link Clock} and as a
 * Caffeine {@link Ticker} (the same instant in epoch nanoseconds). Thread-safe.
 */
public final class MutableClock extends Clock {
  private final AtomicLong epochNanos;

  /** A clock at 2026-01-01T00:00:00Z. */
  public MutableClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** A clock at {@code start}. */
  public MutableClock(Instant start) {
    this.epochNanos = new AtomicLong(start.getEpochSecond() * 1_000_000_000L + start.getNano());
  }

  /** Moves the clock forward by {@code amount}. */
  public void advance(Duration amount) {
    epochNanos.addAndGet(amount.toNanos());
  }

  /** This clock as a Caffeine ticker. */
  public Ticker ticker() {
    return epochNanos::get;
  }

  @Override
  public Instant instant() {
    long nanos = epochNanos.get();
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
        Math.floorMod(nanos, 1_000_000_000L));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a MutableClock is always UTC");
  }
}
