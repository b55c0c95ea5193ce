package dev.egresskit.transport;

import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.transport.spi.ConnectStrategy;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Opens outbound connections from {@link EgressSource}s: directly from a bound source address,
 * through HAProxy (PROXY protocol v2), or through SOCKS5, as the source's {@link
 * dev.egresskit.core.model.Route} says (KumoMTA's {@code connect_to}, spec §2).
 *
 * <p>One connector owns one event-loop group (Epoll when available, NIO otherwise) shared by all
 * its connections; create one per application and close it at shutdown.
 *
 * <pre>{@code
 * try (EgressConnector connector = EgressConnector.builder().health(health).build()) {
 *   EgressConnection c = connector
 *       .connect(source, new InetSocketAddress("127.0.0.1", 2525), Duration.ofSeconds(10))
 *       .get();
 *   System.out.println(c.reportedSource());   // e.g. 127.0.0.2:40312 (direct)
 *   c.close();
 * }
 * }</pre>
 */
public final class EgressConnector implements AutoCloseable {
  /** The port used when neither the source nor the destination names one (spec §2.6). */
  public static final int DEFAULT_SMTP_PORT = 25;
  /** The longest accepted connect deadline. */
  public static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  private final SourceHealth health;
  private final HostResolver resolver;
  private final ExecutorService ownedResolverExecutor;
  private final StrategyRegistry strategies;
  private final EventLoopGroup group;
  private final boolean epoll;
  private final ChannelGroup channels;
  private volatile boolean closed;

  private EgressConnector(Builder b) {
    this.health = b.health;
    this.strategies = StrategyRegistry.load(b.classLoader);
    if (b.resolver != null) {
      this.resolver = b.resolver;
      this.ownedResolverExecutor = null;
    } else {
      ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), new DefaultThreadFactory("egress-dns", true));
      executor.allowCoreThreadTimeOut(true);
      this.ownedResolverExecutor = executor;
      this.resolver = HostResolver.system(executor);
    }
    this.epoll = b.nativeTransport && Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(
        b.eventLoopThreads, new DefaultThreadFactory("egress-io", true), io);
    this.channels = new DefaultChannelGroup("egress-connections", GlobalEventExecutor.INSTANCE);
  }

  /** A builder with the defaults: health tracking disabled, JDK resolver, Netty's thread count. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The destination with the port actually dialled (spec §2.6): the source's {@code
   * remote_port} when set, else the destination's port, else 25 when that port is 0.
   */
  public static InetSocketAddress effectiveDestination(
      EgressSource source, InetSocketAddress destination) {
    int port = source.remotePort().isPresent() ? source.remotePort().getAsInt()
        : destination.getPort() != 0 ? destination.getPort() : DEFAULT_SMTP_PORT;
    return port == destination.getPort() ? destination
        : new InetSocketAddress(destination.getAddress(), port);
  }

  /**
   * Connects from {@code source} to {@code destination} under one deadline of {@code timeout},
   * which covers proxy name resolution, every candidate's TCP connect and the handshake.
   *
   * <p>The future fails with an {@link EgressConnectException} whose {@link
   * EgressConnectException#kind() kind} says what went wrong; a source that is suspended fails
   * at once with {@link FailureKind#SOURCE_SUSPENDED}. Every other final failure is reported to
   * the {@link SourceHealth} given to the builder. Cancelling the future abandons the attempt
   * and closes its channel.
   *
   * @param source      the egress source to connect from
   * @param destination a resolved IP address; its port is replaced as {@link
   *                    #effectiveDestination} says
   * @param timeout     the deadline for resolve + connect + handshake, positive and at most
   *                    {@link #MAX_TIMEOUT}
   * @throws IllegalArgumentException if the destination is unresolved or the timeout not positive
   * @throws IllegalStateException    if the connector is closed
   */
  public CompletableFuture<EgressConnection> connect(
      EgressSource source, InetSocketAddress destination, Duration timeout) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(timeout, "timeout");
    if (destination.isUnresolved()) {
      throw new IllegalArgumentException("destination must be an IP address, not the unresolved "
          + "name " + destination.getHostString() + " (resolve MX hosts before connecting)");
    }
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "timeout must be positive and at most " + MAX_TIMEOUT.toDays() + " day: " + timeout);
    }
    if (closed) {
      throw new IllegalStateException("the EgressConnector is closed");
    }
    InetSocketAddress target = effectiveDestination(source, destination);
    ConnectStrategy strategy = strategies.factoryFor(source.route()).create(source.route());
    String proxy = strategy.proxy().map(p -> p.server().toString()).orElse("no proxy");
    if (health.suspendedUntil(source.name()).isPresent()) {
      // Spec §2.2a: fail fast, and do not count this as another health event.
      return CompletableFuture.failedFuture(new EgressConnectException(
          FailureKind.SOURCE_SUSPENDED, strategy.protocol(), proxy, IpLiterals.format(target),
          "source " + source.name() + " is unhealthy and suspended", null));
    }
    Optional<String> mismatch = strategy.checkDestination(source, target);
    if (mismatch.isPresent()) {
      EgressConnectException e = new EgressConnectException(FailureKind.FAMILY_MISMATCH,
          strategy.protocol(), proxy, IpLiterals.format(target), mismatch.get(), null);
      health.recordFailure(source, e.kind());
      return CompletableFuture.failedFuture(e);
    }
    return new ConnectAttempt(this, source, strategy, target, timeout, group.next()).start();
  }

  /** {@code "epoll"} or {@code "nio"}: the transport this connector's event loops use. */
  public String transportName() {
    return epoll ? "epoll" : "nio";
  }

  /** The number of this connector's channels that are open now (a leak check for tests). */
  public int openChannels() {
    return channels.size();
  }

  /** Closes every open connection and stops the event loops (waits up to a few seconds). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    if (ownedResolverExecutor != null) {
      ownedResolverExecutor.shutdownNow();
    }
  }

  SourceHealth health() {
    return health;
  }

  HostResolver resolver() {
    return resolver;
  }

  /** A TCP channel of the family of {@code remote} (spec §2.3: the transport's family). */
  Channel newChannel(InetAddress remote) {
    SocketProtocolFamily family = remote instanceof Inet6Address
        ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
    return epoll ? new EpollSocketChannel(family)
        : new NioSocketChannel(SelectorProvider.provider(), family);
  }

  void track(Channel channel) {
    channels.add(channel);
  }

  /** Configures an {@link EgressConnector}. */
  public static final class Builder {
    private SourceHealth health = SourceHealth.disabled();
    private HostResolver resolver;
    private int eventLoopThreads;
    private boolean nativeTransport = true;
    private ClassLoader classLoader = EgressConnector.class.getClassLoader();

    private Builder() {}

    /** Where failures are recorded and suspension is looked up; default {@link SourceHealth#disabled()}. */
    public Builder health(SourceHealth health) {
      this.health = Objects.requireNonNull(health, "health");
      return this;
    }

    /** Resolves proxy host names; default the JDK resolver on two daemon threads. */
    public Builder resolver(HostResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** Event-loop threads; 0 (the default) lets Netty choose (twice the CPU count). */
    public Builder eventLoopThreads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("eventLoopThreads must be >= 0: " + threads);
      }
      this.eventLoopThreads = threads;
      return this;
    }

    /** Whether to use Epoll when it is available (default true); false forces NIO. */
    public Builder nativeTransport(boolean useNative) {
      this.nativeTransport = useNative;
      return this;
    }

    /** Where {@link java.util.ServiceLoader} looks for connect-strategy plug-ins. */
    public Builder classLoader(ClassLoader loader) {
      this.classLoader = Objects.requireNonNull(loader, "classLoader");
      return this;
    }

    /**
     * Starts the event loops.
     *
     * @throws IllegalStateException if two strategy plug-ins claim a route with equal priority
     */
    public EgressConnector build() {
      return new EgressConnector(this);
    }
  }
}
