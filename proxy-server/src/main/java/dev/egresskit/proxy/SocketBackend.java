package dev.egresskit.proxy;

import dev.egresskit.core.policy.TcpKeepalive;
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

  private final boolean epoll;
  private final TcpKeepalive keepalive;
  private final Map<ChannelOption<Integer>, Integer> keepAliveTuning;

  private SocketBackend(boolean epoll, TcpKeepalive keepalive) {
    this.epoll = epoll;
    this.keepalive = keepalive;
    // Built once: every accepted and every outbound socket is given these.
    this.keepAliveTuning = !epoll || !keepalive.enabled() ? Map.of() : Map.of(
        EpollChannelOption.TCP_KEEPIDLE, (int) keepalive.time().toSeconds(),
        EpollChannelOption.TCP_KEEPINTVL, (int) keepalive.interval().toSeconds(),
        EpollChannelOption.TCP_KEEPCNT, keepalive.retries());
  }

  static SocketBackend select(boolean preferNative) {
    return select(preferNative, TcpKeepalive.DEFAULTS);
  }

  static SocketBackend select(boolean preferNative, TcpKeepalive keepalive) {
    return new SocketBackend(preferNative && Epoll.isAvailable(), keepalive);
  }

  /** Whether sockets get {@code SO_KEEPALIVE} (KumoProxy's {@code tcp_keepalive.enabled}). */
  boolean keepAlive() {
    return keepalive.enabled();
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

  /**
   * Keep-alive probe timing, where the transport can set it (epoll); NIO sockets get
   * {@code SO_KEEPALIVE} with the kernel's timing.
   */
  Map<ChannelOption<Integer>, Integer> keepAliveTuning() {
    return keepAliveTuning;
  }
}
