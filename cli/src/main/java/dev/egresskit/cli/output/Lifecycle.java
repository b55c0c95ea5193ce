package dev.egresskit.cli.output;

import dev.egresskit.core.grammar.Durations;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Start and stop of long-running commands ({@code proxy}, {@code sink}). A command announces
 * each listener it opened with {@link #started}, then blocks in {@link #awaitStop()} until
 * {@link #requestStop()} is called: by the JVM shutdown hook on Ctrl-C / SIGTERM, or by a test
 * running the command in-process.
 */
public final class Lifecycle {
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Object lock = new Object();
  private final Map<String, InetSocketAddress> listeners = new LinkedHashMap<>();
  /** Declared by the command: the longest its stop takes beyond {@link #STOP_TIME}. */
  private Duration extraStopTime = Duration.ZERO;

  /** How long a stop may take when the command declares nothing more. */
  public static final Duration STOP_TIME = Duration.ofSeconds(10);

  /** Records that {@code what} is listening on {@code address}. */
  public void started(String what, InetSocketAddress address) {
    synchronized (lock) {
      listeners.put(what, address);
      lock.notifyAll();
    }
  }

  /**
   * Waits until at least {@code count} listeners were announced.
   *
   * @return the listeners by name, in the order announced
   * @throws IllegalStateException if fewer were announced within {@code timeout}
   */
  public Map<String, InetSocketAddress> awaitStarted(int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (listeners.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("expected " + count + " listeners within " + Durations.format(timeout)
              + ", saw " + listeners);
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return new LinkedHashMap<>(listeners);
    }
  }

  /**
   * Declares that the command's stop may take {@code more} time (e.g. a server that lets open
   * connections finish for a bounded time), so that a JVM shutdown waits for it rather than
   * cutting it short. Adds up over calls: resources are closed one after another.
   */
  public void addStopTime(Duration more) {
    synchronized (lock) {
      extraStopTime = extraStopTime.plus(more);
    }
  }

  /** How long the JVM shutdown hook waits for the command to stop: {@link #STOP_TIME} plus more. */
  public Duration stopTime() {
    synchronized (lock) {
      return STOP_TIME.plus(extraStopTime);
    }
  }

  /** Asks the running command to stop. Idempotent. */
  public void requestStop() {
    stop.countDown();
  }

  /**
   * Waits up to {@code timeout} for a stop request.
   *
   * @return true if a stop was requested (or the thread was interrupted)
   */
  public boolean awaitStop(Duration timeout) {
    try {
      return stop.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  /** Blocks until a stop is requested (or the thread is interrupted, which also means stop). */
  public void awaitStop() {
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
