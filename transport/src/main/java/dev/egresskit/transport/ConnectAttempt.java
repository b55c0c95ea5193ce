package dev.egresskit.transport;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.transport.spi.ConnectStrategy;
import dev.egresskit.transport.spi.HandshakeContext;
import dev.egresskit.transport.spi.ProxyTarget;
import dev.egresskit.transport.spi.SourceAddressInfo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One call to {@link EgressConnector#connect}: resolve the proxy into candidates, try each in turn
 * (bind, connect, handshake), all under one deadline, then combine the failures (spec §2.2).
 * Every field is touched only on {@link #loop}, so no locking is needed.
 */
final class ConnectAttempt {
  private final EgressConnector connector;
  private final EgressSource source;
  private final ConnectStrategy strategy;
  private final InetSocketAddress destination;
  private final Duration timeout;
  private final EventLoop loop;
  private final CompletableFuture<EgressConnection> result = new CompletableFuture<>();
  private final String proxyText;
  private final List<Failure> failures = new ArrayList<>();
  private final ArrayDeque<InetSocketAddress> candidates = new ArrayDeque<>();

  private long startNanos;
  private long resolvedNanos;
  private ScheduledFuture<?> deadlineTask;
  private boolean resolving;
  private boolean deadlinePassed;
  private boolean finished;
  private Candidate current;

  private record Failure(InetSocketAddress transport, EgressConnectException error) {}

  ConnectAttempt(
      EgressConnector connector, EgressSource source, ConnectStrategy strategy,
      InetSocketAddress destination, Duration timeout, EventLoop loop) {
    this.connector = connector;
    this.source = source;
    this.strategy = strategy;
    this.destination = destination;
    this.timeout = timeout;
    this.loop = loop;
    this.proxyText = strategy.proxy().map(p -> p.server().toString()).orElse("no proxy");
  }

  CompletableFuture<EgressConnection> start() {
    startNanos = System.nanoTime();
    // A caller that cancels (or times out) the future stops the attempt and frees its channel.
    result.whenComplete((c, e) -> {
      if (e != null) {
        loop.execute(this::abort);
      }
    });
    loop.execute(this::begin);
    return result;
  }

  private void begin() {
    if (finished) {
      return;
    }
    long remaining = timeout.toNanos() - (System.nanoTime() - startNanos);
    deadlineTask = loop.schedule(this::onDeadline, Math.max(remaining, 0), TimeUnit.NANOSECONDS);
    Optional<ProxyTarget> proxy = strategy.proxy();
    if (proxy.isEmpty()) {
      candidatesReady(List.of(destination));
      return;
    }
    ProxyServer server = proxy.get().server();
    if (server instanceof ProxyServer.IpLiteral literal) {
      candidatesReady(List.of(new InetSocketAddress(literal.address(), literal.port())));
      return;
    }
    ProxyServer.HostName name = (ProxyServer.HostName) server;
    resolving = true;
    CompletableFuture<List<InetAddress>> lookup;
    try {
      lookup = connector.resolver().resolve(name.host());
    } catch (RuntimeException e) {
      lookup = CompletableFuture.failedFuture(e);
    }
    lookup.whenComplete((addresses, error) -> loop.execute(() -> onResolved(addresses, error)));
  }

  private void onResolved(List<InetAddress> addresses, Throwable error) {
    if (finished || !resolving) {
      return;
    }
    resolving = false;
    ProxyTarget proxy = strategy.proxy().orElseThrow();
    if (error != null || addresses == null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null
          ? error.getCause() : error;
      String why = cause == null ? "no answer" : describe(cause);
      finishEarly(FailureKind.RESOLUTION_FAILED, "resolving " + proxy.field() + " "
          + proxy.server() + " for source " + source.name() + ": " + why, cause);
      return;
    }
    // Spec §2.2d: every A record first, then every AAAA, each in the resolver's order.
    List<InetSocketAddress> ordered = new ArrayList<>(addresses.size());
    int port = proxy.server().port();
    for (InetAddress a : addresses) {
      if (a instanceof Inet4Address) {
        ordered.add(new InetSocketAddress(a, port));
      }
    }
    for (InetAddress a : addresses) {
      if (!(a instanceof Inet4Address)) {
        ordered.add(new InetSocketAddress(a, port));
      }
    }
    candidatesReady(ordered);
  }

  private void candidatesReady(List<InetSocketAddress> resolved) {
    resolvedNanos = System.nanoTime();
    Optional<InetAddress> bind = source.route().bindAddress();
    for (InetSocketAddress c : resolved) {
      if (bind.isEmpty() || IpLiterals.sameFamily(bind.get(), c.getAddress())) {
        candidates.add(c);
      }
    }
    if (candidates.isEmpty()) {
      String field = strategy.proxy().map(ProxyTarget::field).orElse("destination");
      String server = strategy.proxy().map(p -> p.server().toString())
          .orElse(IpLiterals.format(destination));
      String reason = bind.isPresent() && !resolved.isEmpty()
          ? "source " + source.name() + ": no " + field + " candidates remain after filtering "
              + resolved.size() + " resolved address(es) to match source_address "
              + IpLiterals.format(bind.get()) + " family"
          : "source " + source.name() + ": " + field + " " + server
              + " resolved to no usable addresses";
      finishEarly(FailureKind.RESOLUTION_FAILED, reason, null);
      return;
    }
    connectNext();
  }

  private void connectNext() {
    if (finished) {
      return;
    }
    InetSocketAddress next = deadlinePassed ? null : candidates.poll();
    if (next == null) {
      finishFailed();
      return;
    }
    current = new Candidate(next);
    current.start();
  }

  private void onDeadline() {
    deadlinePassed = true;
    if (finished) {
      return;
    }
    if (resolving) {
      resolving = false;
      ProxyTarget proxy = strategy.proxy().orElseThrow();
      finishEarly(FailureKind.RESOLUTION_FAILED, "timeout resolving " + proxy.field() + " "
          + proxy.server() + " for source " + source.name(), null);
    } else if (current != null) {
      current.onDeadline();
    }
  }

  /** Spec §2.2f: failures before any candidate was tried. */
  private void finishEarly(FailureKind kind, String reason, Throwable cause) {
    finish(error(kind, reason, cause));
  }

  private void finishFailed() {
    finish(combine());
  }

  private void finish(EgressConnectException error) {
    if (finished) {
      return;
    }
    finished = true;
    cancelDeadline();
    connector.health().recordFailure(source, error.kind());
    result.completeExceptionally(error);
  }

  private void succeeded(Candidate winner, SourceAddressInfo reported) {
    if (finished) {
      winner.channel.close();
      return;
    }
    finished = true;
    cancelDeadline();
    long now = System.nanoTime();
    PhaseTimings timings = new PhaseTimings(
        micros(resolvedNanos - startNanos), micros(winner.connectedNanos - resolvedNanos),
        micros(now - winner.connectedNanos), 0, 0);
    EgressConnection connection = new EgressConnection(
        winner.channel, winner.handoff, source, destination, reported, timings, proxyText);
    if (!result.complete(connection)) {
      winner.channel.close();
    }
  }

  private void abort() {
    if (finished) {
      return;
    }
    finished = true;
    cancelDeadline();
    if (current != null) {
      current.done = true;
      current.channel.close();
    }
  }

  private void cancelDeadline() {
    if (deadlineTask != null) {
      deadlineTask.cancel(false);
    }
  }

  /** Spec §2.2h. */
  private EgressConnectException combine() {
    if (failures.isEmpty()) {
      return error(FailureKind.CONNECT_TIMEOUT, "timeout after " + Durations.format(timeout)
          + " before any candidate was tried", null);
    }
    EgressConnectException first = failures.get(0).error();
    if (failures.size() == 1) {
      return first;
    }
    boolean allBind = failures.stream().allMatch(f -> f.error().kind() == FailureKind.SOURCE_UNPLUMBED
        || f.error().kind() == FailureKind.BIND_FAILED);
    boolean allProxyBind = failures.stream()
        .allMatch(f -> f.error().kind() == FailureKind.PROXY_BIND_REJECTED);
    if (allBind || allProxyBind) {
      failures.stream().skip(1).forEach(f -> first.addSuppressed(f.error()));
      return first;
    }
    boolean proxyUnhealthy = failures.stream().anyMatch(f -> f.error().kind()
        == FailureKind.PROXY_UNREACHABLE || f.error().kind() == FailureKind.PROXY_BIND_REJECTED);
    FailureKind last = failures.get(failures.size() - 1).error().kind();
    boolean same = failures.stream().allMatch(f -> f.error().kind() == first.kind());
    FailureKind kind = proxyUnhealthy ? FailureKind.PROXY_UNREACHABLE : same ? first.kind() : last;
    StringBuilder reason = new StringBuilder("failed to connect via any of ")
        .append(failures.size()).append(" candidate(s) for source ").append(source.name())
        .append(": ");
    for (int i = 0; i < failures.size(); i++) {
      Failure f = failures.get(i);
      reason.append(i == 0 ? "" : "; ").append(IpLiterals.format(f.transport())).append(": ")
          .append(f.error().reason());
    }
    EgressConnectException combined = error(kind, reason.toString(), null);
    failures.forEach(f -> combined.addSuppressed(f.error()));
    return combined;
  }

  private EgressConnectException error(FailureKind kind, String reason, Throwable cause) {
    return new EgressConnectException(kind, strategy.protocol(), proxyText,
        IpLiterals.format(destination), reason, cause);
  }

  private static long micros(long nanos) {
    return Math.max(0, nanos) / 1000;
  }

  /** The message of an I/O error without Java class noise. */
  static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }

  /** One candidate: bind, connect, handshake. */
  private final class Candidate implements HandshakeContext, Handoff.Listener {
    private final InetSocketAddress transport;
    private final boolean viaProxy = strategy.proxy().isPresent();
    private Channel channel;
    private Handoff handoff;
    private boolean handshaking;
    private boolean done;
    private String phase = "connecting";
    private long connectedNanos;

    Candidate(InetSocketAddress transport) {
      this.transport = transport;
    }

    void start() {
      try {
        channel = connector.newChannel(transport.getAddress());
        channel.config().setOption(ChannelOption.TCP_NODELAY, true);
        // The attempt's own deadline is the only connect timeout.
        channel.config().setOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0);
      } catch (RuntimeException e) {
        if (channel != null) {
          channel.close();
        }
        fail(unreachableKind(), "failed to create a socket for " + IpLiterals.format(transport)
            + ": " + describe(e), e);
        return;
      }
      connector.track(channel);
      loop.register(channel).addListener((ChannelFuture f) -> {
        if (done) {
          return;
        }
        if (!f.isSuccess()) {
          fail(unreachableKind(), "failed to register a socket for "
              + IpLiterals.format(transport) + ": " + describe(f.cause()), f.cause());
        } else if (source.route().bindAddress().isPresent()) {
          bind(source.route().bindAddress().get());
        } else {
          connect();
        }
      });
    }

    private void bind(InetAddress address) {
      channel.bind(new InetSocketAddress(address, 0)).addListener((ChannelFuture f) -> {
        if (done) {
          return;
        }
        if (f.isSuccess()) {
          connect();
          return;
        }
        FailureKind kind = BindErrors.isAddressNotAvailable(f.cause())
            ? FailureKind.SOURCE_UNPLUMBED : FailureKind.BIND_FAILED;
        fail(kind, "bind " + IpLiterals.format(address) + " for " + source.name() + " failed: "
            + describe(f.cause()) + " while attempting to connect to "
            + IpLiterals.format(destination) + " transport=" + IpLiterals.format(transport)
            + " proto=" + strategy.protocol(), f.cause());
      });
    }

    private void connect() {
      channel.connect(transport).addListener((ChannelFuture f) -> {
        if (done) {
          return;
        }
        if (!f.isSuccess()) {
          fail(unreachableKind(), "failed to connect to " + IpLiterals.format(transport) + " ("
              + strategy.protocol() + "): " + describe(f.cause()), f.cause());
          return;
        }
        connectedNanos = System.nanoTime();
        handshaking = true;
        phase = "starting the " + strategy.protocol() + " handshake";
        handoff = new Handoff(this);
        channel.pipeline().addLast(HANDOFF, handoff);
        try {
          strategy.startHandshake(channel, this);
        } catch (RuntimeException e) {
          fail(FailureKind.PROXY_PROTOCOL_ERROR, "failed to perform proxy handshake with "
              + IpLiterals.format(transport) + ": " + describe(e), e);
        }
      });
    }

    private FailureKind unreachableKind() {
      return viaProxy ? FailureKind.PROXY_UNREACHABLE : FailureKind.DESTINATION_FAILED;
    }

    void onDeadline() {
      if (done) {
        return;
      }
      if (handshaking) {
        fail(FailureKind.HANDSHAKE_TIMEOUT, "timeout after " + Durations.format(timeout)
            + " while performing proxy handshake with " + IpLiterals.format(transport) + " ("
            + phase + ")", null);
      } else {
        fail(viaProxy ? FailureKind.PROXY_UNREACHABLE : FailureKind.CONNECT_TIMEOUT,
            "timeout after " + Durations.format(timeout) + " while connecting to "
                + IpLiterals.format(transport) + " (" + strategy.protocol() + ")", null);
      }
    }

    @Override
    public EgressSource source() {
      return source;
    }

    @Override
    public InetSocketAddress destination() {
      return destination;
    }

    @Override
    public InetSocketAddress transport() {
      return transport;
    }

    @Override
    public void enterPhase(String phase) {
      this.phase = phase;
    }

    @Override
    public void succeed(SourceAddressInfo reported) {
      if (done) {
        return;
      }
      done = true;
      handoff.handshakeDone();
      // Nothing more is read until the caller attaches its handlers.
      channel.config().setAutoRead(false);
      succeeded(this, reported);
    }

    @Override
    public void fail(FailureKind kind, String reason, Throwable cause) {
      if (done) {
        return;
      }
      done = true;
      if (channel != null) {
        channel.close();
      }
      failures.add(new Failure(transport, error(kind, reason, cause)));
      connectNext();
    }

    @Override
    public void closedDuringHandshake() {
      fail(FailureKind.PROXY_PROTOCOL_ERROR, "failed to perform proxy handshake with "
          + IpLiterals.format(transport) + ": connection closed by the peer while " + phase, null);
    }

    @Override
    public void exceptionDuringHandshake(Throwable cause) {
      fail(FailureKind.PROXY_PROTOCOL_ERROR, "failed to perform proxy handshake with "
          + IpLiterals.format(transport) + ": " + describe(cause), cause);
    }
  }
}
