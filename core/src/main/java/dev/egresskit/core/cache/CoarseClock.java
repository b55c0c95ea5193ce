package dev.egresskit.core.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link System#nanoTime()} read once per {@link #TICK_NANOS} by one daemon thread, so a cache
 * hit compares against a field instead of asking the OS clock (which costs more than the whole
 * rest of a hit). The value lags the real clock by at most one tick while the thread gets to run
 * (on a starved machine, by as long as the thread waits for a CPU), and never runs ahead of it.
 */
final class CoarseClock implements Ticker {
  /** How often the time is read: 1 ms. */
  static final long TICK_NANOS = 1_000_000L;

  /** Static, so a hit reads it with one load and no call through {@link Ticker}. */
  private static volatile long now = System.nanoTime();

  private static final CoarseClock SHARED = new CoarseClock();

  private CoarseClock() {
    Thread thread = new Thread(this::run, "egresskit-coarse-clock");
    thread.setDaemon(true);
    thread.start();
  }

  /** The one clock of this JVM (its thread starts with the first cache that uses it). */
  static CoarseClock shared() {
    return SHARED;
  }

  @Override
  public long read() {
    return now;
  }

  /** The same as {@code shared().read()}. */
  static long now() {
    return now;
  }

  private void run() {
    while (true) {
      LockSupport.parkNanos(TICK_NANOS);
      now = System.nanoTime();
    }
  }
}
