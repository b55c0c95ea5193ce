package dev.egresskit.proxy;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import java.time.Duration;

/**
 * Bounded busy polling of an epoll I/O thread: before it would block in {@code epoll_wait}, the
 * thread polls ({@code epoll_wait} with timeout 0) for up to {@code spin}, and blocks only if
 * nothing became ready meanwhile. A relayed SMTP dialogue is a ping-pong of short lines, and a
 * thread that is still polling when the next line arrives takes it without a kernel wake-up
 * (scheduler, IPI, an idle vCPU leaving its sleep state), which on VMs costs tens of
 * microseconds per line.
 *
 * <p>Bounded: the thread spins at most {@code spin} each time it runs out of work, then blocks
 * as usual; an idle proxy costs nothing. Spinning is CPU that other processes on a busy machine
 * do not get, hence opt-in. Tasks handed to the thread from other threads (authentication
 * decisions) and timers wait at most {@code spin} longer while it polls: Netty skips the wake-up
 * of a thread that is not blocked, and the spin does not look at the task queue.
 */
final class BusyPoll implements SelectStrategy {

  private final long spinNanos;

  private BusyPoll(long spinNanos) {
    this.spinNanos = spinNanos;
  }

  /** One strategy per I/O thread (the strategy is called from its own thread only). */
  static SelectStrategyFactory factory(Duration spin) {
    long nanos = spin.toNanos();
    return () -> new BusyPoll(nanos);
  }

  @Override
  public int calculateStrategy(IntSupplier selectSupplier, boolean hasTasks) throws Exception {
    if (hasTasks) {
      return selectSupplier.get();
    }
    long start = System.nanoTime();
    do {
      int ready = selectSupplier.get();
      if (ready > 0) {
        return ready;
      }
      Thread.onSpinWait();
    } while (System.nanoTime() - start < spinNanos);
    return SelectStrategy.SELECT;
  }
}
