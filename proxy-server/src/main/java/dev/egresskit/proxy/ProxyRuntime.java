package dev.egresskit.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import dev.egresskit.core.policy.TcpKeepalive;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The running part of a {@link Socks5ProxyServer}: its threads, listening sockets, connections
 * and authentication path, from a successful bind to the end of a graceful shutdown.
 *
 * <p>On epoll every I/O thread has a listening socket of its own on the same address
 * ({@code SO_REUSEPORT}; the kernel spreads new connections over them) and keeps the
 * connections it accepts: a connection never waits for a hand-over from an accepting thread
 * to the thread that serves it, one wake-up fewer per session. NIO keeps one accepting thread.
 */
final class ProxyRuntime {

  /** What a server was built with. */
  record Settings(InetSocketAddress listen, ProxyConfig config, MeterRegistry registry,
      String listenerName, int ioThreads, boolean preferNative, AuthLimits authLimits,
      ConnectionLog connectionLog, LongSupplier nanoTime, TcpKeepalive keepalive,
      ProxyTls tls, boolean splice, Duration busyPoll) {}

  private final Settings settings;
  private final SocketBackend backend;
  /** NIO only: the thread that accepts and hands connections to {@link #ioGroup}. */
  private final EventLoopGroup acceptGroup;
  private final EventLoopGroup ioGroup;
  private final ExecutorService authExecutor;
  private final ChannelGroup channels;
  private final List<Channel> serverChannels = new ArrayList<>();
  private ServerContext context;
  private ProxyMetrics metrics;
  private InetSocketAddress address;

  private ProxyRuntime(Settings settings) {
    this.settings = settings;
    this.backend = SocketBackend.select(settings.preferNative(), settings.keepalive());
    this.acceptGroup = backend.isEpoll() ? null : new MultiThreadIoEventLoopGroup(
        1, new DefaultThreadFactory("egresskit-proxy-accept"), backend.ioHandlerFactory());
    this.ioGroup = new MultiThreadIoEventLoopGroup(ioThreads(settings.ioThreads()),
        new DefaultThreadFactory("egresskit-proxy-io"), backend.ioHandlerFactory(settings.busyPoll()));
    this.authExecutor = Executors.newFixedThreadPool(settings.authLimits().workers(),
        new DefaultThreadFactory("egresskit-proxy-auth", true));
    this.channels = new DefaultChannelGroup("egresskit-proxy", GlobalEventExecutor.INSTANCE);
  }

  /**
   * The I/O threads: as asked, or one per core. Nothing on them blocks (authentication runs on
   * its own executor), so more threads than cores would only add wake-ups and cache misses.
   */
  static int ioThreads(int asked) {
    return asked > 0 ? asked : Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Binds and starts accepting.
   *
   * @throws IllegalStateException if the listen address cannot be bound (threads stopped)
   */
  static ProxyRuntime start(Settings settings) {
    ProxyRuntime runtime = new ProxyRuntime(settings);
    runtime.bind();
    return runtime;
  }

  private void bind() {
    ProxyConfig config = settings.config();
    AuthGate authGate = config.authenticator() == null ? null : new AuthGate(
        config.authenticator(), settings.authLimits(), authExecutor, settings.nanoTime());
    AtomicInteger active = new AtomicInteger();
    ChannelHandler initializer = new SessionStart();
    try {
      if (backend.isEpoll()) {
        // One listener per I/O thread; the first picks the port when 0 was asked for.
        InetSocketAddress where = settings.listen();
        if (where.getPort() != 0) {
          refuseSharedPort(where);
        }
        for (var executor : ioGroup) {
          EventLoop loop = (EventLoop) executor;
          Channel listener = bind(new ServerBootstrap().group(loop, loop)
              .option(EpollChannelOption.SO_REUSEPORT, true)
              .handler(ReadFromRegistration.INSTANCE), initializer, where);
          where = (InetSocketAddress) listener.localAddress();
        }
      } else {
        bind(new ServerBootstrap().group(acceptGroup, ioGroup), initializer, settings.listen());
      }
    } catch (IllegalStateException e) {
      for (Channel listener : serverChannels) {
        listener.close().awaitUninterruptibly();
      }
      shutdownThreads();
      throw e;
    }
    address = (InetSocketAddress) serverChannels.get(0).localAddress();
    String listener = settings.listenerName() != null ? settings.listenerName()
        : NetUtil.toSocketAddressString(address);
    metrics = new ProxyMetrics(settings.registry(), listener, active);
    context = new ServerContext(config, backend, metrics, active, authGate, channels, listener,
        settings.connectionLog());
    context.splice(settings.splice());
    for (Channel serverChannel : serverChannels) {
      serverChannel.config().setAutoRead(true);
    }
  }

  /**
   * Fails when something already listens on the address. {@code SO_REUSEPORT} would otherwise
   * let a second server (the same user's) join the first one's port and silently take a share
   * of its connections: a socket without it, bound first, cannot join a listener.
   */
  private static void refuseSharedPort(InetSocketAddress where) {
    try (Socket probe = new Socket()) {
      probe.setReuseAddress(true); // connections in TIME_WAIT on the port are no conflict
      probe.bind(where);
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on "
          + NetUtil.toSocketAddressString(where) + ": " + e.getMessage(), e);
    }
  }

  private Channel bind(ServerBootstrap bootstrap, ChannelHandler initializer,
      InetSocketAddress where) {
    bootstrap.channel(backend.serverChannelClass())
        // Accept nothing until the context (whose meters need the bound port) exists.
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, RelayReads.ALLOCATOR)
        .childHandler(initializer);
    if (backend.childKeepAlive()) {
      bootstrap.childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.SO_KEEPALIVE, backend.keepAlive());
    } else {
      // Accepted sockets inherit these from the listener (and Netty sets TCP_NODELAY on them).
      for (Map.Entry<ChannelOption<Integer>, Integer> option : backend.listenerOptions().entrySet()) {
        bootstrap.option(option.getKey(), option.getValue());
      }
    }
    ChannelFuture bind = bootstrap.bind(where).awaitUninterruptibly();
    if (!bind.isSuccess()) {
      throw new IllegalStateException("cannot listen on "
          + NetUtil.toSocketAddressString(where) + ": " + bind.cause().getMessage(),
          bind.cause());
    }
    Channel serverChannel = bind.channel();
    serverChannels.add(serverChannel);
    channels.add(serverChannel);
    return serverChannel;
  }

  /**
   * Puts TLS in front of the SOCKS5 handlers. Its handshake is bounded by the greeting timeout
   * (a client must finish TLS and send its greeting within it), and a failed one is counted.
   */
  private void addTls(SocketChannel channel) {
    SslHandler ssl = settings.tls().context().newHandler(channel.alloc());
    ssl.setHandshakeTimeout(settings.config().timeouts().greeting().toMillis(),
        TimeUnit.MILLISECONDS);
    ssl.handshakeFuture().addListener(done -> {
      if (!done.isSuccess()) {
        metrics.tlsHandshakeFailed();
      }
    });
    channel.pipeline().addLast(TLS_HANDLER, ssl);
  }

  /**
   * Sets up each accepted connection (keep-alive where it is not inherited, TLS, the session)
   * and leaves its pipeline. What a {@code ChannelInitializer} does, without the map of
   * channels being set up that it shares between the I/O threads (two updates per connection).
   */
  @ChannelHandler.Sharable
  private final class SessionStart extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      // Called once per channel, on its event loop, once it is registered.
      Channel channel = ctx.channel();
      try {
        if (backend.childKeepAlive()) {
          for (Map.Entry<ChannelOption<Integer>, Integer> option
              : backend.keepAliveTuning().entrySet()) {
            channel.config().setOption(option.getKey(), option.getValue());
          }
        }
        if (settings.tls() != null) {
          addTls((SocketChannel) channel);
        }
        context.accept(channel);
      } catch (RuntimeException e) {
        channel.close();
        throw e;
      } finally {
        ctx.pipeline().remove(this);
      }
    }
  }

  /**
   * On an epoll listening socket, in front of Netty's acceptor: each accepted channel is added
   * to epoll with reads already armed ({@link EpollInterest#readFromRegistration}), one
   * {@code epoll_ctl} per connection fewer.
   */
  @ChannelHandler.Sharable
  private static final class ReadFromRegistration extends ChannelInboundHandlerAdapter {
    static final ReadFromRegistration INSTANCE = new ReadFromRegistration();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel accepted) {
        EpollInterest.readFromRegistration(accepted);
      }
      ctx.fireChannelRead(msg);
    }
  }

  /** The name of the TLS handler in a client pipeline. */
  static final String TLS_HANDLER = "tls";

  InetSocketAddress address() {
    return address;
  }

  SocketBackend backend() {
    return backend;
  }

  /** How long the sessions closed at the end of a shutdown get to finish (and log). */
  private static final Duration FORCED_CLOSE = Duration.ofSeconds(5);
  /** How long each group of threads gets to stop. */
  private static final Duration THREADS_STOP = Duration.ofSeconds(10);

  /**
   * The longest {@link #close()} takes with {@code timeouts}: the listening sockets close at
   * once, running relays get {@link ProxyTimeouts#shutdown()}, then the rest get
   * {@link #FORCED_CLOSE}, then the two thread groups {@link #THREADS_STOP} each.
   */
  static Duration closeTime(ProxyTimeouts timeouts) {
    return timeouts.shutdown().plus(FORCED_CLOSE).plus(THREADS_STOP).plus(THREADS_STOP);
  }

  /** The graceful shutdown of {@link Socks5ProxyServer#close()}. */
  void close() {
    Duration bound = settings.config().timeouts().shutdown();
    for (Channel serverChannel : serverChannels) {
      serverChannel.close().awaitUninterruptibly(bound.toMillis());
    }
    context.beginClosing();
    if (!awaitDrained(bound)) {
      context.closeAll();
      awaitDrained(FORCED_CLOSE);
    }
    shutdownThreads();
  }

  private boolean awaitDrained(Duration bound) {
    try {
      context.drained().get(bound.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void shutdownThreads() {
    var io = ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    if (acceptGroup != null) {
      acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS)
          .awaitUninterruptibly(THREADS_STOP.toMillis());
    }
    io.awaitUninterruptibly(THREADS_STOP.toMillis());
    authExecutor.shutdownNow();
  }
}
