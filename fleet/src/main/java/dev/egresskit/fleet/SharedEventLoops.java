package dev.egresskit.fleet;

import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.Transports;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Lends Lettuce event loops that belong to someone else (the connector's): Lettuce runs its
 * connections on them (each on one loop of the group) and never shuts them down. A failure
 * recorded on the loop of the command connection goes to Redis right there, with no wake-up of
 * a Lettuce thread, and the fleet's news is read on a loop that also runs connects, in the same
 * poll as theirs (with a one-loop connector, the node's only thread).
 */
final class SharedEventLoops implements EventLoopGroupProvider {
  private final EventLoopGroup group;

  private SharedEventLoops(EventLoopGroup group) {
    this.group = group;
  }

  /**
   * A provider for {@code group} when Lettuce can run its channels on it (the same transport:
   * epoll with epoll, NIO with NIO), else empty (Lettuce then keeps its own loops).
   */
  static Optional<EventLoopGroupProvider> of(EventLoopGroup group) {
    if (!(group instanceof IoEventLoopGroup io) || group.isShuttingDown()) {
      return Optional.empty();
    }
    Class<?> channel = Transports.socketChannelClass();
    boolean compatible = channel == NioSocketChannel.class ? io.isIoType(NioIoHandler.class)
        : channel.getName().equals("io.netty.channel.epoll.EpollSocketChannel")
            && io.isIoType(handler("io.netty.channel.epoll.EpollIoHandler"));
    return compatible ? Optional.of(new SharedEventLoops(group)) : Optional.empty();
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends IoHandler> handler(String name) {
    try {
      return (Class<? extends IoHandler>) Class.forName(name, false,
          SharedEventLoops.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return IoHandler.class; // never the handler of a real group: not compatible
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends EventLoopGroup> T allocate(Class<T> type) {
    return (T) group;
  }

  @Override
  public int threadPoolSize() {
    int n = 0;
    for (var ignored : group) {
      n++;
    }
    return n;
  }

  @Override
  public Future<Boolean> release(EventExecutorGroup eventLoopGroup, long quietPeriod,
      long timeout, TimeUnit unit) {
    return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true); // not ours to stop
  }

  @Override
  public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit timeUnit) {
    return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true); // not ours to stop
  }
}
