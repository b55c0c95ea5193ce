package dev.egresskit.proxy.robustness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Bounded waits driven by a scheduled executor (no sleeping test threads), and fd counting. */
final class Await {
  private Await() {}

  /**
   * Checks {@code condition} every 5 ms until it holds.
   *
   * @return whether it held within {@code bound}
   */
  static boolean until(BooleanSupplier condition, Duration bound) throws Exception {
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
    CompletableFuture<Void> held = new CompletableFuture<>();
    ScheduledFuture<?> task = poller.scheduleWithFixedDelay(() -> {
      if (condition.getAsBoolean()) {
        held.complete(null);
      }
    }, 0, 5, TimeUnit.MILLISECONDS);
    try {
      held.get(bound.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return condition.getAsBoolean();
    } finally {
      task.cancel(false);
      poller.shutdownNow();
    }
  }

  /** Open file descriptors of this JVM. */
  static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** Heap in use after a full collection, in bytes. */
  static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
