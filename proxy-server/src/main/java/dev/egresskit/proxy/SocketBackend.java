package dev.egresskit.proxy;

import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Map;

/** Epoll when the native library loads, NIO otherwise (or when asked). */
final class SocketBackend {

  // KumoProxy's tcp_keepalive defaults: idle 300 s, interval 30 s, 3 probes.
  private static final int KEEPALIVE_IDLE_SECONDS = 300;
  private static final int KEEPALIVE_INTERVAL_SECONDS = 30;
  private static final int KEEPALIVE_PROBES = 3;

  private final boolean epoll;

  private SocketBackend(boolean epoll) {
    this.epoll = epoll;
  }

  static SocketBackend select(boolean preferNative) {
    return new SocketBackend(preferNative && Epoll.isAvailable());
  }

  boolean isEpoll() {
    return epoll;
  }

  String name() {
    return epoll ? "epoll" : "nio";
  }

  IoHandlerFactory ioHandlerFactory() {
    return epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  Class<? extends ServerSocketChannel> serverChannelClass() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /** A new unregistered socket of the given family, so BIND creates the family it was asked for. */
  SocketChannel newSocketChannel(SocketProtocolFamily family) {
    return epoll
        ? new EpollSocketChannel(family)
        : new NioSocketChannel(SelectorProvider.provider(), family);
  }

  /** Keep-alive probe timing, where the transport can set it. */
  Map<ChannelOption<Integer>, Integer> keepAliveTuning() {
    if (!epoll) {
      return Map.of();
    }
    return Map.of(
        EpollChannelOption.TCP_KEEPIDLE, KEEPALIVE_IDLE_SECONDS,
        EpollChannelOption.TCP_KEEPINTVL, KEEPALIVE_INTERVAL_SECONDS,
        EpollChannelOption.TCP_KEEPCNT, KEEPALIVE_PROBES);
  }
}
