package dev.egresskit.proxy;

import io.netty.channel.Channel;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The idle timeout of a copying relay: closes both channels once no byte has moved either way
 * for the idle time. One timer per relay, scheduled once and moved on only when it fires (a
 * relay's reads just note the time), so a busy relay costs a clock read per read burst instead
 * of a promise and a listener per write. Confined to the client's event loop, which serves
 * both channels.
 */
final class RelayIdle implements Runnable {

  private final ConnectionRecord session;
  private final Channel client;
  private final Channel outbound;
  private final long idleNanos;
  private long lastActivity = System.nanoTime();
  private ScheduledFuture<?> timer;

  private RelayIdle(ConnectionRecord session, Channel client, Channel outbound, long idleNanos) {
    this.session = session;
    this.client = client;
    this.outbound = outbound;
    this.idleNanos = idleNanos;
  }

  /** Starts watching; {@link #stop()} when the relay ends. */
  static RelayIdle start(ConnectionRecord session, Channel client, Channel outbound,
      long idleNanos) {
    RelayIdle idle = new RelayIdle(session, client, outbound, idleNanos);
    idle.timer = client.eventLoop().schedule(idle, idleNanos, TimeUnit.NANOSECONDS);
    return idle;
  }

  /** Bytes moved (a read burst, or a peer drained what it was sent). */
  void active() {
    lastActivity = System.nanoTime();
  }

  void stop() {
    timer.cancel(false);
  }

  @Override
  public void run() {
    if (!client.isOpen()) {
      return;
    }
    long quiet = System.nanoTime() - lastActivity;
    if (quiet >= idleNanos) {
      session.outcome(Outcome.IDLE_TIMEOUT);
      client.close();
      outbound.close();
    } else {
      timer = client.eventLoop().schedule(this, idleNanos - quiet, TimeUnit.NANOSECONDS);
    }
  }
}
