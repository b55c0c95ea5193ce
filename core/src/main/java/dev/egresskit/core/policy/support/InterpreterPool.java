package dev.egresskit.core.policy.support;

import dev.egresskit.core.policy.PolicyException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A bounded pool of independently loaded interpreters. Script engines keep mutable state that
 * must never be shared between threads, so each call leases one interpreter for itself;
 * concurrent calls run in parallel on different interpreters, up to {@code maxSize} of them,
 * created lazily.
 *
 * <p>A lease is re-entrant per thread: a handler that resolves another name
 * ({@code kumo.invoke_get_egress_source}) on the same thread gets the interpreter it already
 * holds, so a pool of one cannot deadlock on itself. An interpreter that may be left in a bad
 * state (a handler stopped at its deadline) is {@linkplain Lease#discard() discarded} and replaced
 * on demand.
 *
 * @param <I> the interpreter type
 */
public final class InterpreterPool<I> implements AutoCloseable {
  private final int maxSize;
  private final Duration leaseTimeout;
  private final Supplier<I> factory;
  private final Consumer<I> disposer;
  private final Semaphore permits;
  private final ConcurrentLinkedDeque<I> idle = new ConcurrentLinkedDeque<>();
  private final ThreadLocal<Lease<I>> held = new ThreadLocal<>();
  private final AtomicInteger created = new AtomicInteger();
  private volatile boolean closed;

  /**
   * @param maxSize      the most interpreters alive at once (at least 1)
   * @param leaseTimeout how long a caller waits for a busy pool before failing
   * @param first        an interpreter already loaded (the engine loads one to check the script)
   * @param factory      loads another interpreter; its exceptions reach the caller of
   *                     {@link #lease()}
   * @param disposer     releases an interpreter that leaves the pool
   */
  public InterpreterPool(int maxSize, Duration leaseTimeout, I first, Supplier<I> factory,
      Consumer<I> disposer) {
    if (maxSize < 1) {
      throw new IllegalArgumentException("maxSize must be at least 1: " + maxSize);
    }
    this.maxSize = maxSize;
    this.leaseTimeout = Objects.requireNonNull(leaseTimeout, "leaseTimeout");
    this.factory = Objects.requireNonNull(factory, "factory");
    this.disposer = Objects.requireNonNull(disposer, "disposer");
    this.permits = new Semaphore(maxSize, true);
    idle.add(Objects.requireNonNull(first, "first"));
    created.set(1);
  }

  /**
   * Leases an interpreter for the calling thread; close the lease to give it back.
   *
   * @throws PolicyException if every interpreter stays busy for the lease timeout, or the
   *     waiting thread is interrupted
   * @throws IllegalStateException if the pool is closed
   */
  public Lease<I> lease() {
    Lease<I> outer = held.get();
    if (outer != null) {
      return new Lease<>(this, outer.interpreter, outer);
    }
    if (closed) {
      throw new IllegalStateException("the interpreter pool is closed");
    }
    try {
      if (!permits.tryAcquire(leaseTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new PolicyException("all " + maxSize + " policy interpreters stayed busy for "
            + leaseTimeout + " (raise the policy pool size or shorten the handlers)", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PolicyException("interrupted while waiting for a policy interpreter", null, e);
    }
    I interpreter = idle.pollFirst();
    if (interpreter == null) {
      try {
        interpreter = factory.get();
        created.incrementAndGet();
      } catch (RuntimeException | Error e) {
        permits.release();
        throw e;
      }
    }
    Lease<I> lease = new Lease<>(this, interpreter, null);
    held.set(lease);
    return lease;
  }

  /**
   * Loads one more idle interpreter now, ahead of demand, if the pool has room for it and no
   * interpreter is leased at this moment (so the bound can be checked exactly).
   *
   * @return whether an interpreter was loaded
   */
  public boolean preloadOne() {
    if (closed || !permits.tryAcquire(maxSize)) {
      return false;
    }
    try {
      if (idle.size() >= maxSize) {
        return false;
      }
      idle.addLast(factory.get());
      created.incrementAndGet();
      return true;
    } finally {
      permits.release(maxSize);
    }
  }

  /** How many interpreters were created so far (including the first and replacements). */
  public int createdCount() {
    return created.get();
  }

  /** The most interpreters alive at once. */
  public int maxSize() {
    return maxSize;
  }

  /** Disposes idle interpreters now and leased ones when they are given back. */
  @Override
  public void close() {
    closed = true;
    for (I interpreter; (interpreter = idle.pollFirst()) != null; ) {
      disposer.accept(interpreter);
    }
  }

  private void giveBack(Lease<I> lease) {
    // set(null) rather than remove(): the thread keeps its map entry, so the next lease on this
    // thread allocates none.
    held.set(null);
    try {
      if (lease.discarded || closed) {
        disposer.accept(lease.interpreter);
      } else {
        // Last in, first out keeps the warmest interpreters busy.
        idle.offerFirst(lease.interpreter);
      }
    } finally {
      permits.release();
    }
    if (closed) {
      close();
    }
  }

  /**
   * One thread's use of one interpreter.
   *
   * @param <I> the interpreter type
   */
  public static final class Lease<I> implements AutoCloseable {
    private final InterpreterPool<I> pool;
    private final I interpreter;
    private final Lease<I> outer;
    private boolean discarded;
    private boolean closed;

    private Lease(InterpreterPool<I> pool, I interpreter, Lease<I> outer) {
      this.pool = pool;
      this.interpreter = interpreter;
      this.outer = outer;
    }

    /** The leased interpreter; use it only on the leasing thread. */
    public I interpreter() {
      return interpreter;
    }

    /** Whether this lease re-entered an interpreter the thread already held. */
    public boolean nested() {
      return outer != null;
    }

    /** Drops the interpreter instead of returning it to the pool when the lease closes. */
    public void discard() {
      if (outer != null) {
        outer.discard();
      } else {
        discarded = true;
      }
    }

    /** Gives the interpreter back (a nested lease leaves that to the outer one). */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (outer == null) {
        pool.giveBack(this);
      }
    }
  }
}
