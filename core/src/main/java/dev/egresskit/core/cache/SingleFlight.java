package dev.egresskit.core.cache;

import dev.egresskit.core.grammar.Durations;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The loads in flight, one per key. The first caller to claim a key runs the load on its own
 * thread, outside any lock (so a loader may look up other keys); later callers wait for its
 * future. Waiting is bounded, like KumoMTA's 120 s populate semaphore (spec §4.2), so a stuck
 * loader cannot hold waiters forever.
 */
final class SingleFlight<V> {
  /** KumoMTA's {@code sema_timeout}. */
  static final Duration DEFAULT_WAIT_LIMIT = Duration.ofSeconds(120);

  private final ConcurrentHashMap<String, CompletableFuture<Entry<V>>> inFlight =
      new ConcurrentHashMap<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final String cacheName;
  private final Duration waitLimit;

  SingleFlight(String cacheName, Duration waitLimit) {
    this.cacheName = cacheName;
    this.waitLimit = waitLimit;
  }

  /**
   * Claims {@code key} with {@code mine}. Returns {@code null} when the caller now owns the load
   * (and must {@link #release} it), or the future of the load already in flight.
   */
  CompletableFuture<Entry<V>> claim(String key, CompletableFuture<Entry<V>> mine) {
    return inFlight.putIfAbsent(key, mine);
  }

  void release(String key, CompletableFuture<Entry<V>> mine) {
    inFlight.remove(key, mine);
  }

  int waiting() {
    return waiting.get();
  }

  /** Waits for another caller's load and returns its outcome. */
  Entry<V> await(String key, CompletableFuture<Entry<V>> load) {
    waiting.incrementAndGet();
    try {
      return load.get(waitLimit.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      // Loader failures are outcomes; only a fault of the cache itself or an Error lands here.
      Throwable cause = e.getCause();
      if (cause instanceof Error error) {
        throw error;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException(cacheName + " lookup for \"" + key + "\" timed out after "
          + Durations.format(waitLimit) + " while waiting for another caller to populate it");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(cacheName + " lookup for \"" + key
          + "\" was interrupted while waiting for another caller to populate it");
    } finally {
      waiting.decrementAndGet();
    }
  }

  /**
   * Runs a load the caller owns: computes the entry, completes {@code mine} for the waiters and
   * releases the key. If computing the entry itself throws (an {@link Error}, or a fault
   * outside the loader), the waiters get the same throwable and it is re-thrown.
   */
  Entry<V> run(String key, CompletableFuture<Entry<V>> mine, Supplier<Entry<V>> load) {
    try {
      Entry<V> entry = load.get();
      mine.complete(entry);
      return entry;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      release(key, mine);
    }
  }
}
