package dev.egresskit.proxy;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The idle timeout of a relay, copying or splicing: runs its action once no byte has moved
 * either way for the idle time. One timer per relay, scheduled once and moved on only when it
 * fires (the relay's reads just note the time), so a busy relay costs a clock read per read
 * burst instead of a promise and a listener per write. Confined to the event loop that serves
 * both channels.
 */
final class RelayIdle implements Runnable {

  private final EventLoop loop;
  private final long idleNanos;
  private final Runnable onIdle;
  private long lastActivity = System.nanoTime();
  private ScheduledFuture<?> timer;
  private boolean stopped;

  private RelayIdle(EventLoop loop, long idleNanos, Runnable onIdle) {
    this.loop = loop;
    this.idleNanos = idleNanos;
    this.onIdle = onIdle;
  }

  /** Starts watching; {@code onIdle} runs at most once, unless {@link #stop()} comes first. */
  static RelayIdle start(EventLoop loop, long idleNanos, Runnable onIdle) {
    RelayIdle idle = new RelayIdle(loop, idleNanos, onIdle);
    idle.timer = loop.schedule(idle, idleNanos, TimeUnit.NANOSECONDS);
    return idle;
  }

  /** Bytes moved (a read burst, or a peer drained what it was sent). */
  void active() {
    lastActivity = System.nanoTime();
  }

  /** The relay ended: no timer outlives it. */
  void stop() {
    stopped = true;
    timer.cancel(false);
  }

  @Override
  public void run() {
    if (stopped) {
      return;
    }
    long quiet = System.nanoTime() - lastActivity;
    if (quiet >= idleNanos) {
      stopped = true;
      onIdle.run();
    } else {
      timer = loop.schedule(this, idleNanos - quiet, TimeUnit.NANOSECONDS);
    }
  }
}
