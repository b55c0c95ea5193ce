package dev.egresskit.transport;

import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.grammar.ProxyServers;
import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.transport.spi.ConnectStrategy;
import dev.egresskit.transport.spi.ProxyTarget;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Ticker;
import io.netty.util.internal.ThreadExecutorMap;
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
  private final boolean ownsGroup;
  private final boolean epoll;
  private final ChannelGroup channels;
  private final Ticker ticker;
  private final boolean lockstepHandshakes;
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
    this.ticker = b.ticker;
    this.lockstepHandshakes = b.lockstepHandshakes;
    if (b.lentLoops != null) {
      this.group = b.lentLoops;
      this.ownsGroup = false;
      this.epoll = ((IoEventLoopGroup) b.lentLoops).isIoType(EpollIoHandler.class);
    } else {
      this.epoll = b.nativeTransport && Epoll.isAvailable();
      this.group = TickingEventLoops.create(b.eventLoopThreads,
          new DefaultThreadFactory("egress-io", true), ioHandlers(epoll), b.ticker);
      this.ownsGroup = true;
    }
    this.channels = new DefaultChannelGroup("egress-connections", GlobalEventExecutor.INSTANCE);
  }

  /**
   * Event loops that several connectors (and other Netty clients, such as the Redis client of
   * shared source health) can run on together: Epoll when available, else NIO; {@code threads}
   * 0 lets Netty choose (twice the CPU count). Pass them to {@link Builder#eventLoops}; whoever
   * calls this shuts them down, after the connectors that use them are closed.
   */
  public static EventLoopGroup newEventLoops(int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0: " + threads);
    }
    return TickingEventLoops.create(threads, new DefaultThreadFactory("egress-io", true),
        ioHandlers(Epoll.isAvailable()), Ticker.systemTicker());
  }

  private static IoHandlerFactory ioHandlers(boolean epoll) {
    return epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
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
    if (health.suspendedUntil(source.name()).isPresent()) {
      // Spec §2.2a: fail fast, and do not count this as another health event.
      return CompletableFuture.failedFuture(new EgressConnectException(
          FailureKind.SOURCE_SUSPENDED, strategy.protocol(), proxyText(strategy),
          IpLiterals.format(target), "source " + source.name() + " is unhealthy and suspended",
          null));
    }
    Optional<String> mismatch = strategy.checkDestination(source, target);
    if (mismatch.isPresent()) {
      EgressConnectException e = new EgressConnectException(FailureKind.FAMILY_MISMATCH,
          strategy.protocol(), proxyText(strategy), IpLiterals.format(target), mismatch.get(),
          null);
      health.recordFailure(source, e.kind());
      return CompletableFuture.failedFuture(e);
    }
    return new ConnectAttempt(this, source, strategy, target, timeout, loopForCaller()).start();
  }

  /**
   * The caller's own event loop when it is one of this connector's (a connection opened from
   * another connection's callback then starts at once, with no hand-off between threads), else
   * the next loop in turn.
   */
  private EventLoop loopForCaller() {
    EventExecutor current = ThreadExecutorMap.currentExecutor();
    if (current instanceof EventLoop loop && loop.parent() == group) {
      return loop;
    }
    return group.next();
  }

  /** The configured proxy as error messages name it, or {@code "no proxy"}. */
  String proxyText(ConnectStrategy strategy) {
    Optional<ProxyTarget> proxy = strategy.proxy();
    return proxy.isEmpty() ? "no proxy" : ProxyServers.format(proxy.get().server());
  }

  /** The time source of this connector's deadlines and timings. */
  Ticker ticker() {
    return ticker;
  }

  /** Whether proxy handshakes wait for each reply before the next request (see the builder). */
  boolean lockstepHandshakes() {
    return lockstepHandshakes;
  }

  /**
   * The event loops this connector's attempts run on (closed with it unless they were lent
   * through {@link Builder#eventLoops}). Other
   * I/O that should run on the same threads, with no hand-off to threads of its own, can use
   * them: e.g. the Redis client of shared source health, so that a failure is written to Redis
   * and a fleet's news is read on the thread where attempts end.
   */
  public EventLoopGroup eventLoops() {
    return group;
  }

  /** {@code "epoll"} or {@code "nio"}: the transport this connector's event loops use. */
  public String transportName() {
    return epoll ? "epoll" : "nio";
  }

  /**
   * Runs every task due on the event loops now, then returns (bounded to a few seconds): a test
   * that advanced a mock {@link Builder#ticker} calls it so the deadlines that fell due fire.
   */
  void settleEventLoops() throws InterruptedException {
    for (int round = 0; round < 2; round++) { // the second round runs after the due tasks
      for (EventExecutor loop : group) {
        loop.submit(() -> { }).await(5, TimeUnit.SECONDS);
      }
    }
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
    if (ownsGroup) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
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
        : new DetachableNioSocketChannel(SelectorProvider.provider(), family);
  }

  void track(Channel channel) {
    channels.add(channel);
  }

  /** Forgets a channel that was handed over to the caller (see {@link EgressConnection#detach}). */
  void untrack(Channel channel) {
    channels.remove(channel);
  }

  /** Configures an {@link EgressConnector}. */
  public static final class Builder {
    private SourceHealth health = SourceHealth.disabled();
    private HostResolver resolver;
    private int eventLoopThreads;
    private boolean nativeTransport = true;
    private ClassLoader classLoader = EgressConnector.class.getClassLoader();
    private Ticker ticker = Ticker.systemTicker();
    private boolean lockstepHandshakes;
    private EventLoopGroup lentLoops;

    private Builder() {}

    /**
     * Runs the attempts on {@code loops} (made by {@link EgressConnector#newEventLoops}), which
     * stay their owner's: closing the connector closes its connections and leaves the loops
     * running. They take the place of {@link #eventLoopThreads} and {@link #nativeTransport}
     * (their transport is the connector's) and keep the system ticker.
     *
     * @throws IllegalArgumentException if the loops are neither Epoll's nor NIO's
     */
    public Builder eventLoops(EventLoopGroup loops) {
      Objects.requireNonNull(loops, "loops");
      if (!(loops instanceof IoEventLoopGroup io)
          || !(io.isIoType(EpollIoHandler.class) || io.isIoType(NioIoHandler.class))) {
        throw new IllegalArgumentException(
            "event loops must be Epoll's or NIO's (EgressConnector.newEventLoops): " + loops);
      }
      this.lentLoops = loops;
      return this;
    }

    /**
     * The time source of every deadline and phase timing (default the system ticker). The
     * connector's event loops schedule on it, so a test can pass {@link
     * Ticker#newMockTicker()} and advance time instead of waiting.
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Whether proxy handshakes send each request only after the previous reply (default false).
     * By default SOCKS5 is sent in one flight when the method is known in advance: the greeting
     * offers only the one method the source will use ({@code 00} without credentials, {@code 02}
     * with), and the RFC 1929 frame, BIND and CONNECT follow at once; replies are read in order.
     * True restores KumoMTA's lock-step exchange (greeting offering {@code 00} and, with
     * credentials, {@code 02}), for servers that read more than one request at a time and drop
     * the rest.
     */
    public Builder lockstepHandshakes(boolean lockstep) {
      this.lockstepHandshakes = lockstep;
      return this;
    }

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

    /**
     * Whether to use Epoll when it is available (default true); false forces NIO, which is what
     * {@link EgressConnection#detach()} needs.
     */
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
     * Starts the event loops (or takes the lent ones).
     *
     * @throws IllegalStateException if two strategy plug-ins claim a route with equal priority,
     *     or a ticker of its own is combined with lent event loops
     */
    public EgressConnector build() {
      if (lentLoops != null && ticker != Ticker.systemTicker()) {
        throw new IllegalStateException("a ticker of its own needs the connector's own event"
            + " loops: lent event loops keep the system ticker");
      }
      return new EgressConnector(this);
    }
  }
}
