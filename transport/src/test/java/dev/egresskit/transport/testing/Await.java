package dev.egresskit.transport.testing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Bounded waits: never sleeps a fixed time, always gives up after a limit. */
public final class Await {
  private Await() {}

  /** Spins (yielding) until {@code condition} holds; fails after {@code limit}. */
  public static void until(BooleanSupplier condition, Duration limit, String what) {
    long end = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + limit + " waiting until " + what);
      }
      Thread.yield();
    }
  }

  /** The value of a future that must complete within five seconds. */
  public static <T> T result(CompletableFuture<T> future) {
    try {
      return future.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("expected success, got " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("future did not complete within 5 s", e);
    }
  }

  /** The failure of a future that must fail within five seconds. */
  public static Throwable failure(CompletableFuture<?> future) {
    try {
      Object value = future.get(5, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("future did not complete within 5 s", e);
    }
  }
}
