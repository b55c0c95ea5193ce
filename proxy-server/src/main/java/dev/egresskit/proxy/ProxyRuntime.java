package dev.egresskit.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import dev.egresskit.core.policy.TcpKeepalive;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The running part of a {@link Socks5ProxyServer}: its threads, listening socket, connections
 * and authentication path, from a successful bind to the end of a graceful shutdown.
 */
final class ProxyRuntime {

  /** What a server was built with. */
  record Settings(InetSocketAddress listen, ProxyConfig config, MeterRegistry registry,
      String listenerName, int ioThreads, boolean preferNative, AuthLimits authLimits,
      Consumer<String> connectionLog, LongSupplier nanoTime, TcpKeepalive keepalive,
      ProxyTls tls, boolean splice) {}

  private final Settings settings;
  private final SocketBackend backend;
  private final EventLoopGroup acceptGroup;
  private final EventLoopGroup ioGroup;
  private final ExecutorService authExecutor;
  private final ChannelGroup channels;
  private Channel serverChannel;
  private ServerContext context;
  private ProxyMetrics metrics;
  private InetSocketAddress address;

  private ProxyRuntime(Settings settings) {
    this.settings = settings;
    this.backend = SocketBackend.select(settings.preferNative(), settings.keepalive());
    this.acceptGroup = new MultiThreadIoEventLoopGroup(
        1, new DefaultThreadFactory("egresskit-proxy-accept"), backend.ioHandlerFactory());
    this.ioGroup = new MultiThreadIoEventLoopGroup(settings.ioThreads(),
        new DefaultThreadFactory("egresskit-proxy-io"), backend.ioHandlerFactory());
    this.authExecutor = Executors.newFixedThreadPool(settings.authLimits().workers(),
        new DefaultThreadFactory("egresskit-proxy-auth", true));
    this.channels = new DefaultChannelGroup("egresskit-proxy", GlobalEventExecutor.INSTANCE);
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
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(acceptGroup, ioGroup)
        .channel(backend.serverChannelClass())
        // Accept nothing until the context (whose meters need the bound port) exists.
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, backend.keepAlive())
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            for (Map.Entry<ChannelOption<Integer>, Integer> option : backend.keepAliveTuning().entrySet()) {
              channel.config().setOption(option.getKey(), option.getValue());
            }
            if (settings.tls() != null) {
              addTls(channel);
            }
            context.accept(channel);
          }
        });
    ChannelFuture bind = bootstrap.bind(settings.listen()).awaitUninterruptibly();
    if (!bind.isSuccess()) {
      shutdownThreads();
      throw new IllegalStateException("cannot listen on "
          + NetUtil.toSocketAddressString(settings.listen()) + ": " + bind.cause().getMessage(),
          bind.cause());
    }
    serverChannel = bind.channel();
    channels.add(serverChannel);
    address = (InetSocketAddress) serverChannel.localAddress();
    String listener = settings.listenerName() != null ? settings.listenerName()
        : NetUtil.toSocketAddressString(address);
    metrics = new ProxyMetrics(settings.registry(), listener, active);
    context = new ServerContext(config, backend, metrics, active, authGate, channels, listener,
        settings.connectionLog());
    context.splice(settings.splice());
    serverChannel.config().setAutoRead(true);
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

  /** The name of the TLS handler in a client pipeline. */
  static final String TLS_HANDLER = "tls";

  InetSocketAddress address() {
    return address;
  }

  SocketBackend backend() {
    return backend;
  }

  /** The graceful shutdown of {@link Socks5ProxyServer#close()}. */
  void close() {
    Duration bound = settings.config().timeouts().shutdown();
    serverChannel.close().awaitUninterruptibly(bound.toMillis());
    context.beginClosing();
    if (!awaitDrained(bound)) {
      context.closeAll();
      awaitDrained(Duration.ofSeconds(5));
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
    var accept = acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    var io = ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    accept.awaitUninterruptibly(10, TimeUnit.SECONDS);
    io.awaitUninterruptibly(10, TimeUnit.SECONDS);
    authExecutor.shutdownNow();
  }
}
