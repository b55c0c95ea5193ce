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
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Epoll when the native library loads, NIO otherwise (or when asked). */
final class SocketBackend {

  /** Architectures whose socket option numbers are Linux's generic ones (not MIPS, SPARC, PA-RISC). */
  private static final boolean GENERIC_SOCKET_CONSTANTS = Set.of("amd64", "x86_64", "aarch64",
      "x86", "i386", "arm", "riscv64", "ppc64le", "s390x").contains(System.getProperty("os.arch"));
  private static final int SOL_SOCKET = 1;
  private static final int SO_KEEPALIVE = 9;
  private static final int IPPROTO_TCP = 6;
  private static final int TCP_NODELAY = 1;
  private static final int TCP_KEEPIDLE = 4;
  private static final int TCP_KEEPINTVL = 5;
  private static final int TCP_KEEPCNT = 6;

  private final boolean epoll;
  private final TcpKeepalive keepalive;
  private final Map<ChannelOption<Integer>, Integer> keepAliveTuning;
  private final Map<ChannelOption<Integer>, Integer> inheritedOptions;

  private SocketBackend(boolean epoll, TcpKeepalive keepalive) {
    this.epoll = epoll;
    this.keepalive = keepalive;
    // Built once: every accepted and every outbound socket is given these.
    this.keepAliveTuning = !epoll || !keepalive.enabled() ? Map.of() : Map.of(
        EpollChannelOption.TCP_KEEPIDLE, (int) keepalive.time().toSeconds(),
        EpollChannelOption.TCP_KEEPINTVL, (int) keepalive.interval().toSeconds(),
        EpollChannelOption.TCP_KEEPCNT, keepalive.retries());
    this.inheritedOptions = epoll && GENERIC_SOCKET_CONSTANTS ? listenerOptions(keepalive) : Map.of();
  }

  private static Map<ChannelOption<Integer>, Integer> listenerOptions(TcpKeepalive keepalive) {
    Map<ChannelOption<Integer>, Integer> options = new LinkedHashMap<>();
    options.put(new IntegerUnixChannelOption("TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY), 1);
    options.put(new IntegerUnixChannelOption("SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE),
        keepalive.enabled() ? 1 : 0);
    if (keepalive.enabled()) {
      options.put(new IntegerUnixChannelOption("TCP_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE),
          (int) keepalive.time().toSeconds());
      options.put(new IntegerUnixChannelOption("TCP_KEEPINTVL", IPPROTO_TCP, TCP_KEEPINTVL),
          (int) keepalive.interval().toSeconds());
      options.put(new IntegerUnixChannelOption("TCP_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT),
          keepalive.retries());
    }
    return Map.copyOf(options);
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
    return ioHandlerFactory(Duration.ZERO);
  }

  /**
   * The I/O handlers, on epoll with {@link BusyPoll} when {@code busyPoll} is positive (NIO
   * ignores it).
   */
  IoHandlerFactory ioHandlerFactory(Duration busyPoll) {
    if (!epoll) {
      return NioIoHandler.newFactory();
    }
    return busyPoll.isZero() ? EpollIoHandler.newFactory()
        : EpollIoHandler.newFactory(0, BusyPoll.factory(busyPoll));
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
   * Options set once on an epoll listening socket instead of on every accepted one: Linux
   * copies {@code TCP_NODELAY}, {@code SO_KEEPALIVE} and the keep-alive timing from the
   * listener to each connection it accepts (five {@code setsockopt} calls fewer per session).
   * Empty where that is not used: accepted sockets then get them one by one
   * ({@link #childKeepAlive()}).
   */
  Map<ChannelOption<Integer>, Integer> listenerOptions() {
    return inheritedOptions;
  }

  /** Whether accepted sockets need their own keep-alive options (not inherited). */
  boolean childKeepAlive() {
    return inheritedOptions.isEmpty();
  }

  /**
   * Keep-alive probe timing, where the transport can set it (epoll); NIO sockets get
   * {@code SO_KEEPALIVE} with the kernel's timing.
   */
  Map<ChannelOption<Integer>, Integer> keepAliveTuning() {
    return keepAliveTuning;
  }
}
