package dev.egresskit.testkit.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Bounded waits for tests: never a fixed sleep, always a limit. Conditions are polled every
 * {@value #POLL_MILLIS} ms by a scheduled executor, so a waiting test neither sleeps blindly nor
 * spins a core of a busy machine.
 */
public final class Await {
  private static final long POLL_MILLIS = 5;
  private static final Duration FUTURE_LIMIT = Duration.ofSeconds(5);

  private Await() {}

  /**
   * Waits until {@code condition} holds.
   *
   * @return whether it held within {@code limit}
   */
  public static boolean until(BooleanSupplier condition, Duration limit) {
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "await-poller");
      t.setDaemon(true);
      return t;
    });
    CompletableFuture<Void> held = new CompletableFuture<>();
    ScheduledFuture<?> task = poller.scheduleWithFixedDelay(() -> {
      if (condition.getAsBoolean()) {
        held.complete(null);
      }
    }, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
    try {
      held.get(limit.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return condition.getAsBoolean();
    } catch (ExecutionException e) {
      throw new AssertionError("the condition failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    } finally {
      task.cancel(false);
      poller.shutdownNow();
    }
  }

  /**
   * Waits until {@code condition} holds.
   *
   * @throws AssertionError naming {@code what} when it did not hold within {@code limit}
   */
  public static void until(BooleanSupplier condition, Duration limit, String what) {
    if (!until(condition, limit)) {
      throw new AssertionError("timed out after " + limit + " waiting until " + what);
    }
  }

  /** The value of a future that must complete within five seconds. */
  public static <T> T result(CompletableFuture<T> future) {
    try {
      return future.get(FUTURE_LIMIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("expected success, got " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("future did not complete within 5 s", e);
    }
  }

  /** The failure of a future that must fail within five seconds. */
  public static Throwable failure(CompletableFuture<?> future) {
    try {
      Object value = future.get(FUTURE_LIMIT.toSeconds(), TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("future did not complete within 5 s", e);
    }
  }
}
