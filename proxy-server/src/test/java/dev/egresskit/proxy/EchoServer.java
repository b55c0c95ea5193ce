package dev.egresskit.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback echo server that records who connected and how many bytes it received. When the
 * client half-closes, it flushes the echo and half-closes too, so the client reads every byte
 * and then EOF.
 */
final class EchoServer implements AutoCloseable {

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final List<InetSocketAddress> peers = new CopyOnWriteArrayList<>();
  private final AtomicLong received = new AtomicLong();
  private final CountDownLatch closed;
  private final Channel server;

  EchoServer(String ip, int expectedConnections) {
    closed = new CountDownLatch(expectedConnections);
    server = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            synchronized (peers) {
              peers.add(ch.remoteAddress());
              peers.notifyAll();
            }
            ch.closeFuture().addListener(f -> closed.countDown());
            ch.pipeline().addLast(new HalfClosingEcho() {
              @Override
              protected void received(ByteBuf buf) {
                received.addAndGet(buf.readableBytes());
              }
            });
          }
        })
        .bind(new InetSocketAddress(ip, 0))
        .syncUninterruptibly()
        .channel();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  List<InetSocketAddress> peers() {
    return peers;
  }

  /** Waits until {@code n} clients have connected and returns their addresses. */
  List<InetSocketAddress> awaitPeers(int n, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    synchronized (peers) {
      while (peers.size() < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("only " + peers.size() + " of " + n + " connections within " + bound);
        }
        TimeUnit.NANOSECONDS.timedWait(peers, left);
      }
      return List.copyOf(peers);
    }
  }

  long received() {
    return received.get();
  }

  /** Waits until the expected number of connections have closed. */
  boolean awaitClosed(Duration bound) throws InterruptedException {
    return closed.await(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
