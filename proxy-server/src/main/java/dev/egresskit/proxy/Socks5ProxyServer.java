package dev.egresskit.proxy;

import dev.egresskit.core.policy.TcpKeepalive;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A SOCKS5 server compatible with KumoProxy (spec §3): KumoMTA's SOCKS5 egress sources send
 * {@code BIND <source ip>} then {@code CONNECT <destination>} on one control connection, and the
 * server dials the destination from that source. Standard clients that send only {@code CONNECT}
 * work too.
 *
 * <pre>{@code
 * try (Socks5ProxyServer proxy = Socks5ProxyServer.builder()
 *     .listen(new InetSocketAddress("127.0.0.1", 1080))
 *     .credentials(ProxyCredentials.load(Path.of("users")))
 *     .requireAuth(true)
 *     .allowSources(List.of("127.0.0.0/8"))
 *     .allowDestinationPorts(Set.of(25, 587))
 *     .build()
 *     .start()) {
 *   InetSocketAddress bound = proxy.address();
 *   ...
 * }
 * }</pre>
 *
 * <p>What it does beyond KumoProxy: allow-lists for the BIND source address and the CONNECT
 * destination port (refused with reply {@code 02}); when listening beyond loopback, no
 * destinations on the proxy's own machine or link unless {@link Builder#localDestinations}
 * allows them; a bounded, fair authentication queue with a failure rate limit per client
 * address ({@link AuthLimits}); a timeout for each phase and an idle timeout for relays
 * ({@link ProxyTimeouts}); and a graceful {@link #close()}.
 *
 * <p>Observability: Micrometer meters labelled {@code listener} —
 * {@code proxy_connections_accepted_total}, {@code proxy_connections_failed_total{reason}},
 * {@code proxy_connections_completed_total}, {@code proxy_active_connections},
 * {@code proxy_bytes_client_to_dest_total}, {@code proxy_bytes_dest_to_client_total},
 * {@code proxy_tls_handshake_failures_total} — and one
 * INFO line per connection on the logger {@code dev.egresskit.proxy.connections} (client, user,
 * requested source, outbound local address, destination, bytes each way, duration, outcome),
 * or to a {@link ConnectionLog} ({@link Builder#connectionLines}). Passwords never reach a log.
 *
 * <p>Uses Netty's epoll transport when it is available, NIO otherwise. Relays forward
 * {@code ByteBuf}s by default, the same code on both transports, with back-pressure; with
 * {@link Builder#useSplice(boolean)} they splice on epoll instead.
 */
public final class Socks5ProxyServer implements AutoCloseable {

  private enum State { NEW, STARTED, CLOSED }

  private final ProxyRuntime.Settings settings;
  private final ProxyAuthenticator authenticator;
  private State state = State.NEW;
  private volatile ProxyRuntime runtime;

  private Socks5ProxyServer(Builder builder) {
    this.authenticator = builder.authenticator;
    ProxyConfig config = new ProxyConfig(builder.authenticator, builder.requireAuth,
        builder.sources, builder.ports, destinationRule(builder.listen, builder.localDestinations),
        builder.timeouts);
    this.settings = new ProxyRuntime.Settings(builder.listen, config, builder.registry,
        builder.listenerName, builder.ioThreads, builder.nativeTransport, builder.authLimits,
        builder.connectionLog, builder.nanoTime, builder.keepalive, builder.tls,
        builder.useSplice, builder.busyPoll);
  }

  /**
   * Starts configuring a server.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the listening socket and starts accepting connections.
   *
   * @return this server, now running
   * @throws IllegalStateException if the server was already started or closed, or the listen
   *     address cannot be bound (the message names the address and the cause)
   */
  public synchronized Socks5ProxyServer start() {
    if (state != State.NEW) {
      throw new IllegalStateException("server already " + state.name().toLowerCase());
    }
    if (settings.splice()) {
      // Loads JNA (and unpacks its stub) here, not on an I/O thread at the first bulk relay.
      PipeSize.available();
    }
    try {
      runtime = ProxyRuntime.start(settings);
    } catch (IllegalStateException e) {
      state = State.CLOSED;
      throw e;
    }
    state = State.STARTED;
    return this;
  }

  /**
   * The address the server listens on (with the real port when port 0 was asked for).
   *
   * @return the bound address
   * @throws IllegalStateException if the server has not been started
   */
  public InetSocketAddress address() {
    return running().address();
  }

  /**
   * Whether CONNECT refuses destinations on the proxy's own machine and link (loopback,
   * link-local, unspecified, the machine's own addresses).
   *
   * @return true when they are refused
   */
  public boolean refusesLocalDestinations() {
    return settings.config().destinations().refusesLocal();
  }

  private static DestinationRule destinationRule(InetSocketAddress listen, Boolean allowLocal) {
    boolean refuse = allowLocal == null ? !listen.getAddress().isLoopbackAddress() : !allowLocal;
    if (!refuse) {
      return DestinationRule.any();
    }
    Set<InetAddress> own = new HashSet<>(DestinationRule.machineAddresses());
    own.add(listen.getAddress());
    return DestinationRule.refuseLocal(own);
  }

  /**
   * The I/O transport in use, {@code "epoll"} or {@code "nio"}.
   *
   * @return the transport name
   * @throws IllegalStateException if the server has not been started
   */
  public String transport() {
    return running().backend().name();
  }

  /**
   * The size of the pipe a splicing relay opens for each direction that carries bulk data: 1 MiB
   * where the proxy can grow pipes ({@code fcntl(F_SETPIPE_SZ)} through JNA, on every Java
   * version), otherwise (JNA cannot load, for example native access denied) Linux's default
   * 64 KiB, which costs a splicing relay about twice the CPU per byte on loopback.
   *
   * @return bytes per relay pipe
   */
  public static int splicePipeBytes() {
    return PipeSize.available() ? PipeSize.WANTED : 64 * 1024;
  }

  private ProxyRuntime running() {
    ProxyRuntime current = runtime;
    if (current == null) {
      throw new IllegalStateException("server not started");
    }
    return current;
  }

  /**
   * The longest {@link #close()} takes: the shutdown timeout that running relays get, plus a
   * few seconds to close the rest (each with its connection line) and stop the threads. A front
   * end that stops on a signal should let the JVM live this long, or the sessions still open
   * lose their lines.
   */
  public Duration closeTime() {
    return ProxyRuntime.closeTime(settings.config().timeouts());
  }

  /**
   * Shuts down gracefully: stops accepting, closes connections still in their handshake, lets
   * running relays finish for up to {@link ProxyTimeouts#shutdown()}, then closes whatever is
   * left and stops the threads. Returns when everything is closed. Calling it again does
   * nothing.
   */
  @Override
  public synchronized void close() {
    if (state == State.STARTED) {
      runtime.close();
    }
    state = State.CLOSED;
  }

  @Override
  public String toString() {
    ProxyRuntime current = runtime;
    return "Socks5ProxyServer[" + NetUtil.toSocketAddressString(
        current != null ? current.address() : settings.listen()) + ", requireAuth="
        + settings.config().requireAuth() + ", " + (settings.tls() == null ? ""
            : "tls=" + settings.tls() + ", ") + settings.keepalive() + ", "
        + (authenticator == null ? "no credentials" : authenticator) + "]";
  }

  /**
   * Configures a {@link Socks5ProxyServer}. Only {@link #listen(InetSocketAddress)} is required.
   * Not thread-safe.
   */
  public static final class Builder {

    /** The longest {@link #busyPoll(Duration)} spin: beyond it a blocked wait costs less. */
    public static final Duration MAX_BUSY_POLL = Duration.ofMillis(1);

    private InetSocketAddress listen;
    private ProxyAuthenticator authenticator;
    private AuthLimits authLimits = AuthLimits.defaults();
    private Boolean localDestinations;
    private ConnectionLog connectionLog;
    private LongSupplier nanoTime = System::nanoTime;
    private boolean requireAuth;
    private List<Cidr> sources;
    private Set<Integer> ports;
    private ProxyTimeouts timeouts = ProxyTimeouts.defaults();
    private MeterRegistry registry;
    private String listenerName;
    private int ioThreads;
    private boolean nativeTransport = true;
    private TcpKeepalive keepalive = TcpKeepalive.DEFAULTS;
    private ProxyTls tls;
    private boolean useSplice;
    private Duration busyPoll = Duration.ZERO;

    private Builder() {}

    /**
     * TCP keepalive for accepted client sockets and outbound sockets (KumoProxy's
     * {@code tcp_keepalive}): {@code SO_KEEPALIVE}, and with epoll the probe timing
     * ({@code TCP_KEEPIDLE}, {@code TCP_KEEPINTVL}, {@code TCP_KEEPCNT}). Default
     * {@link TcpKeepalive#DEFAULTS} (5 min, 30 s, 3).
     *
     * @param value the keepalive settings
     * @return this builder
     */
    public Builder tcpKeepalive(TcpKeepalive value) {
      this.keepalive = Objects.requireNonNull(value, "keepalive");
      return this;
    }

    /**
     * Makes clients speak TLS before SOCKS5 (KumoProxy's {@code use_tls}). Failed handshakes are
     * counted in {@code proxy_tls_handshake_failures_total}. Default: plain TCP.
     *
     * @param value the certificate side, {@link ProxyTls#of} or {@link ProxyTls#selfSigned}
     * @return this builder
     */
    public Builder tls(ProxyTls value) {
      this.tls = Objects.requireNonNull(value, "tls");
      return this;
    }

    /**
     * The address to listen on; port 0 picks a free port (see {@link #address()}).
     *
     * @param address the listen address
     * @return this builder
     */
    public Builder listen(InetSocketAddress address) {
      this.listen = Objects.requireNonNull(address, "address");
      if (address.isUnresolved()) {
        throw new IllegalArgumentException(
            "listen address " + address + " is unresolved: expected an IP literal and port");
      }
      return this;
    }

    /**
     * The users accepted for RFC 1929 authentication. Without credentials every client that
     * offers username/password is refused ({@code 01 01}), as KumoProxy does without an auth
     * handler.
     *
     * @param credentials the users, usually {@link ProxyCredentials#load(java.nio.file.Path)}
     * @return this builder
     */
    public Builder credentials(ProxyCredentials credentials) {
      return authenticator(credentials);
    }

    /**
     * Who decides RFC 1929 attempts: the users file's {@link ProxyCredentials}, or another
     * {@link ProxyAuthenticator} (a policy script). Replaces earlier
     * {@link #credentials(ProxyCredentials)}. Every attempt goes through the bounds of
     * {@link #authLimits(AuthLimits)}.
     *
     * @param value the authenticator
     * @return this builder
     */
    public Builder authenticator(ProxyAuthenticator value) {
      this.authenticator = Objects.requireNonNull(value, "authenticator");
      return this;
    }

    /**
     * The bounds of the authentication path. Default {@link AuthLimits#defaults()}.
     *
     * @param value the limits
     * @return this builder
     */
    public Builder authLimits(AuthLimits value) {
      this.authLimits = Objects.requireNonNull(value, "authLimits");
      return this;
    }

    /**
     * Whether CONNECT may reach destinations on the proxy's own machine and link: loopback,
     * unspecified ({@code 0.0.0.0}, {@code ::}), link-local ({@code 169.254.0.0/16},
     * {@code fe80::/10}, where cloud metadata services answer), the machine's own addresses,
     * and their IPv4-mapped IPv6 forms; a refused one is answered with reply {@code 02}.
     * Default: allowed when the listen address is loopback (the clients are on this machine
     * anyway), refused otherwise. KumoProxy allows them always.
     *
     * @param allowed true to allow them, false to refuse them, whatever the listen address
     * @return this builder
     */
    public Builder localDestinations(boolean allowed) {
      this.localDestinations = allowed;
      return this;
    }

    /**
     * Whether a client that does not offer username/password is refused with {@code 05 FF}.
     * A client that offers it is authenticated either way. Default false.
     *
     * @param required whether authentication is required
     * @return this builder
     */
    public Builder requireAuth(boolean required) {
      this.requireAuth = required;
      return this;
    }

    /**
     * The networks a client may BIND as its outbound source; any other BIND is refused with
     * reply {@code 02} (connection not allowed). Without this call every source is allowed. A
     * plain CONNECT (no BIND) lets the kernel choose and is not checked.
     *
     * @param cidrs IP literals or {@code ip/prefix} networks, e.g. {@code 127.0.0.0/8}
     * @return this builder
     * @throws IllegalArgumentException if the list is empty or an entry is not a CIDR; the
     *     message lists every bad entry
     */
    public Builder allowSources(List<String> cidrs) {
      Objects.requireNonNull(cidrs, "cidrs");
      if (cidrs.isEmpty()) {
        throw new IllegalArgumentException(
            "allowSources needs at least one CIDR; leave it out to allow every source");
      }
      List<Cidr> parsed = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      for (String cidr : cidrs) {
        try {
          parsed.add(Cidr.parse(cidr));
        } catch (IllegalArgumentException e) {
          problems.add(e.getMessage());
        }
      }
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("allowSources: " + String.join("; ", problems));
      }
      this.sources = List.copyOf(parsed);
      return this;
    }

    /**
     * The destination ports a client may CONNECT to; any other is refused with reply
     * {@code 02}. Without this call every port is allowed.
     *
     * @param allowed ports 1 to 65535
     * @return this builder
     * @throws IllegalArgumentException if the set is empty or has a port out of range
     */
    public Builder allowDestinationPorts(Set<Integer> allowed) {
      Objects.requireNonNull(allowed, "allowed");
      if (allowed.isEmpty()) {
        throw new IllegalArgumentException(
            "allowDestinationPorts needs at least one port; leave it out to allow every port");
      }
      Set<Integer> bad = new TreeSet<>();
      for (Integer port : allowed) {
        if (port == null || port < 1 || port > 65535) {
          bad.add(port == null ? -1 : port);
        }
      }
      if (!bad.isEmpty()) {
        throw new IllegalArgumentException(
            "allowDestinationPorts: " + bad + " out of range: expected 1 to 65535");
      }
      this.ports = Set.copyOf(allowed);
      return this;
    }

    /**
     * Sends the one line per connection to {@code log} instead of the logger
     * {@code dev.egresskit.proxy.connections}. Default: the logger.
     *
     * @param log takes each line on the connection's I/O thread
     * @return this builder
     */
    public Builder connectionLines(ConnectionLog log) {
      this.connectionLog = Objects.requireNonNull(log, "log");
      return this;
    }

    /** Tests: where the per-connection lines go instead of the logger. */
    Builder connectionLog(Consumer<String> sink) {
      Objects.requireNonNull(sink, "sink");
      return connectionLines(line -> sink.accept(line.toString()));
    }

    /** Tests: the clock of the failure rate limit. */
    Builder nanoTime(LongSupplier clock) {
      this.nanoTime = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The per-phase timeouts. Default {@link ProxyTimeouts#defaults()}.
     *
     * @param value the timeouts
     * @return this builder
     */
    public Builder timeouts(ProxyTimeouts value) {
      this.timeouts = Objects.requireNonNull(value, "timeouts");
      return this;
    }

    /**
     * Where the meters go. Default: a private {@link SimpleMeterRegistry}.
     *
     * @param value the registry
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry value) {
      this.registry = Objects.requireNonNull(value, "registry");
      return this;
    }

    /**
     * The {@code listener} label of the meters and log lines. Default: the bound address,
     * e.g. {@code 127.0.0.1:1080}.
     *
     * @param name the label value
     * @return this builder
     */
    public Builder listenerName(String name) {
      this.listenerName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The number of I/O threads; 0 (the default) means one per core. On epoll each I/O thread
     * listens on the address itself ({@code SO_REUSEPORT}) and serves the connections it
     * accepts, so no connection is handed from an accepting thread to a serving one.
     *
     * @param threads 0 or more
     * @return this builder
     */
    public Builder ioThreads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("ioThreads is " + threads + ": expected 0 or more");
      }
      this.ioThreads = threads;
      return this;
    }

    /**
     * Whether to use the native epoll transport when it is available (the default); false forces
     * NIO.
     *
     * @param enabled whether epoll may be used
     * @return this builder
     */
    public Builder nativeTransport(boolean enabled) {
      this.nativeTransport = enabled;
      return this;
    }

    /**
     * Whether relays move bytes with {@code splice(2)} (socket → pipe → socket, never through
     * user space), as KumoProxy does. Applies on the epoll transport to plain (non-TLS)
     * listeners; elsewhere, and when false (the default), relays copy through user space. Byte
     * counts, half-close, back-pressure, idle timeout and TCP keep-alive are the same either
     * way. Splice costs a pipe per direction and a hand-over of both sockets per relay, so it
     * pays off for long bulk transfers, not for many short sessions (docs/proxy.md has the
     * figures).
     *
     * @param enabled whether to splice
     * @return this builder
     */
    public Builder useSplice(boolean enabled) {
      this.useSplice = enabled;
      return this;
    }

    /**
     * Low-latency mode: each epoll I/O thread, when it runs out of work, keeps polling for up to
     * this long before it blocks, so the next line of a relayed SMTP dialogue is taken without a
     * kernel wake-up of the thread. Bounded: at most this much spinning per time the thread
     * runs out of work; an idle proxy does not spin. It trades CPU for latency, which pays when
     * the machine has a core to spare per I/O thread and hurts when the cores are busy (the
     * spinning takes CPU from the client and the destination); docs/proxy.md has the figures.
     * {@link Duration#ZERO} (the default) turns it off; NIO ignores it.
     *
     * @param spin the longest spin per idle period, 0 to 1 ms
     * @return this builder
     * @throws IllegalArgumentException if negative or longer than {@link #MAX_BUSY_POLL}
     */
    public Builder busyPoll(Duration spin) {
      Objects.requireNonNull(spin, "spin");
      if (spin.isNegative() || spin.compareTo(MAX_BUSY_POLL) > 0) {
        throw new IllegalArgumentException("busyPoll is " + spin.toNanos() / 1000
            + "us: expected 0 (off) to " + MAX_BUSY_POLL.toNanos() / 1000 + "us");
      }
      this.busyPoll = spin;
      return this;
    }

    /**
     * Checks the settings together and creates the server (not yet started).
     *
     * @return the server
     * @throws IllegalStateException if no listen address was given, or authentication is
     *     required without credentials (no client could ever connect)
     */
    public Socks5ProxyServer build() {
      if (listen == null) {
        throw new IllegalStateException("listen address is required: call listen(InetSocketAddress)");
      }
      if (requireAuth && authenticator == null) {
        throw new IllegalStateException(
            "requireAuth(true) needs credentials(ProxyCredentials) or authenticator(...):"
                + " no client could authenticate");
      }
      if (registry == null) {
        registry = new SimpleMeterRegistry();
      }
      return new Socks5ProxyServer(this);
    }
  }
}
