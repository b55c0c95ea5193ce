package dev.egresskit.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.resource.Transports;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which event loops Lettuce may borrow: only an I/O group of the transport Lettuce uses, and
 * never stopped by Lettuce. (This module's test class path has no native transport: Lettuce
 * uses NIO here; FleetHealthIT covers epoll.)
 */
class SharedEventLoopsTest {
  @Test
  void aNioGroupIsLentToLettuceOnNioAndLettuceNeverStopsIt() throws Exception {
    assertThat(Transports.socketChannelClass()).isEqualTo(NioSocketChannel.class);
    EventLoopGroup nio = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try {
      var lent = SharedEventLoops.of(nio).orElseThrow();
      assertThat(lent.allocate(MultiThreadIoEventLoopGroup.class)).isSameAs(nio);
      assertThat(lent.threadPoolSize()).isEqualTo(2);
      assertThat(lent.release(nio, 0, 1, TimeUnit.SECONDS).get()).isTrue();
      assertThat(lent.shutdown(0, 1, TimeUnit.SECONDS).get()).isTrue();
      assertThat(nio.isShuttingDown()).isFalse();
      assertThat(nio.submit(() -> 42).get(5, TimeUnit.SECONDS)).isEqualTo(42);
    } finally {
      nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void loopsThatCannotRunLettucesChannelsAreNotLent() throws Exception {
    EventLoopGroup plain = new DefaultEventLoopGroup(1); // runs tasks, no socket I/O
    EventLoopGroup stopped = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    stopped.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    try {
      assertThat(SharedEventLoops.of(plain)).isEmpty();
      assertThat(SharedEventLoops.of(stopped)).isEmpty();
    } finally {
      plain.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
