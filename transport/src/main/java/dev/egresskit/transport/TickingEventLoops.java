package dev.egresskit.transport;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Event loops whose scheduled tasks and {@code ticker()} read a given {@link Ticker}: with the
 * system ticker they are Netty's own; with a mock ticker a test advances time and the loops'
 * deadlines fire (after the next task wakes the loop) without anyone waiting.
 */
final class TickingEventLoops {
  private TickingEventLoops() {}

  static MultiThreadIoEventLoopGroup create(int threads, ThreadFactory threadFactory,
      IoHandlerFactory io, Ticker ticker) {
    if (ticker == Ticker.systemTicker()) {
      return new MultiThreadIoEventLoopGroup(threads, threadFactory, io);
    }
    return new MultiThreadIoEventLoopGroup(threads, threadFactory, io) {
      @Override
      protected IoEventLoop newChild(Executor executor, IoHandlerFactory factory,
          Object... args) {
        return new Loop(this, executor, factory, ticker);
      }
    };
  }

  private static final class Loop extends SingleThreadIoEventLoop {
    private final Ticker ticker;

    Loop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory factory, Ticker ticker) {
      super(parent, executor, factory);
      this.ticker = ticker;
    }

    @Override
    public Ticker ticker() {
      // Netty's constructor reads the ticker before this class's fields are set.
      return ticker != null ? ticker : Ticker.systemTicker();
    }
  }
}
