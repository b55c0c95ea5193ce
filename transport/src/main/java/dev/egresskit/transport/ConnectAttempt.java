package dev.egresskit.transport;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.transport.spi.ConnectStrategy;
import dev.egresskit.transport.spi.ProxyTarget;
import dev.egresskit.transport.spi.SourceAddressInfo;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One call to {@link EgressConnector#connect}: resolve the proxy into candidates, try each in turn
 * ({@link CandidateSocket}), all under one deadline read from the event loop's ticker, then
 * combine the failures ({@link AttemptFailures}, spec §2.2). Every field is touched only on
 * {@link #loop}, so no locking is needed.
 */
final class ConnectAttempt implements Runnable, BiConsumer<EgressConnection, Throwable> {
  private enum State { STARTING, RESOLVING, CONNECTING, FINISHED }

  private final EgressConnector connector;
  private final EgressSource source;
  private final ConnectStrategy strategy;
  private final InetSocketAddress destination;
  private final Duration timeout;
  private final EventLoop loop;
  private final CompletableFuture<EgressConnection> result = new CompletableFuture<>();
  private final AttemptFailures failures = new AttemptFailures();

  private State state = State.STARTING;
  private boolean deadlinePassed;
  private List<InetSocketAddress> candidates;
  private int nextCandidate;
  private long startNanos;
  private long resolvedNanos;
  private ScheduledFuture<?> deadlineTask;
  /** What the deadline runs once the connection's user has taken it over ({@link #adoptDeadline}). */
  private Runnable adoptedDeadline;
  private boolean adoptable;
  private CandidateSocket current;

  ConnectAttempt(
      EgressConnector connector, EgressSource source, ConnectStrategy strategy,
      InetSocketAddress destination, Duration timeout, EventLoop loop) {
    this.connector = connector;
    this.source = source;
    this.strategy = strategy;
    this.destination = destination;
    this.timeout = timeout;
    this.loop = loop;
  }

  /** Starts the attempt: at once when called on its event loop, else with one task hand-off. */
  CompletableFuture<EgressConnection> start() {
    startNanos = nanoTime();
    // A caller that cancels (or times out) the future stops the attempt and frees its channel.
    result.whenComplete(this);
    if (loop.inEventLoop()) {
      run();
    } else {
      loop.execute(this);
    }
    return result;
  }

  /** The result completed: when exceptionally (a caller cancelling), abandon the attempt. */
  @Override
  public void accept(EgressConnection connection, Throwable error) {
    if (error == null) {
      return;
    }
    if (loop.inEventLoop()) {
      abort();
    } else {
      loop.execute(this::abort);
    }
  }

  /** Begins on the event loop. */
  @Override
  public void run() {
    if (state != State.STARTING) {
      return;
    }
    long remaining = timeout.toNanos() - (nanoTime() - startNanos);
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
    state = State.RESOLVING;
    CompletableFuture<List<InetAddress>> lookup;
    try {
      lookup = connector.resolver().resolve(name.host());
    } catch (RuntimeException e) {
      lookup = CompletableFuture.failedFuture(e);
    }
    lookup.whenComplete((addresses, error) -> loop.execute(() -> onResolved(addresses, error)));
  }

  private void onResolved(List<InetAddress> addresses, Throwable error) {
    if (state != State.RESOLVING) {
      return;
    }
    ProxyTarget proxy = strategy.proxy().orElseThrow();
    if (error != null || addresses == null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null
          ? error.getCause() : error;
      String why = cause == null ? "no answer" : describe(cause);
      finish(error(FailureKind.RESOLUTION_FAILED, "resolving " + proxy.field() + " "
          + proxy.server() + " for source " + source.name() + ": " + why, cause));
      return;
    }
    candidatesReady(ProxyCandidates.ordered(addresses, proxy.server().port()));
  }

  private void candidatesReady(List<InetSocketAddress> resolved) {
    resolvedNanos = nanoTime();
    state = State.CONNECTING;
    Optional<InetAddress> bind = source.route().bindAddress();
    candidates = ProxyCandidates.usableFrom(bind, resolved);
    if (candidates.isEmpty()) {
      String field = strategy.proxy().map(ProxyTarget::field).orElse("destination");
      String server = strategy.proxy().map(p -> p.server().toString())
          .orElse(IpLiterals.format(destination));
      finish(error(FailureKind.RESOLUTION_FAILED,
          ProxyCandidates.noneUsable(source.name(), field, server, bind, resolved.size()), null));
      return;
    }
    connectNext();
  }

  private void connectNext() {
    if (state == State.FINISHED) {
      return;
    }
    if (deadlinePassed || nextCandidate >= candidates.size()) {
      finish(failures.isEmpty()
          ? error(FailureKind.CONNECT_TIMEOUT, "timeout after " + Durations.format(timeout)
              + " before any candidate was tried", null)
          : failures.combine(source.name(), this::error));
      return;
    }
    current = new CandidateSocket(this, candidates.get(nextCandidate++));
    current.start();
  }

  /**
   * Hands this attempt's deadline, still pending, to the connection's first user, so a probe
   * that runs under the same deadline needs no timer of its own. Only while the result is being
   * completed, on the event loop; otherwise (or when already taken) null.
   *
   * @param action what to run when the deadline passes
   * @return the pending task, to cancel when done
   */
  ScheduledFuture<?> adoptDeadline(Runnable action) {
    if (!adoptable || adoptedDeadline != null || deadlineTask == null || !loop.inEventLoop()) {
      return null;
    }
    adoptedDeadline = action;
    return deadlineTask;
  }

  private void onDeadline() {
    if (adoptedDeadline != null) {
      adoptedDeadline.run();
      return;
    }
    deadlinePassed = true;
    if (state == State.RESOLVING) {
      ProxyTarget proxy = strategy.proxy().orElseThrow();
      finish(error(FailureKind.RESOLUTION_FAILED, "timeout resolving " + proxy.field() + " "
          + proxy.server() + " for source " + source.name(), null));
    } else if (state == State.CONNECTING && current != null) {
      current.onDeadline();
    }
  }

  void candidateFailed(InetSocketAddress transport, FailureKind kind, String reason,
      Throwable cause) {
    failures.add(transport, error(kind, reason, cause));
    connectNext();
  }

  void candidateSucceeded(CandidateSocket winner, SourceAddressInfo reported) {
    if (state == State.FINISHED) {
      winner.channel().close();
      return;
    }
    state = State.FINISHED;
    long now = nanoTime();
    PhaseTimings timings = new PhaseTimings(
        micros(resolvedNanos - startNanos), micros(winner.connectedNanos() - resolvedNanos),
        micros(now - winner.connectedNanos()), 0, 0);
    EgressConnection connection = new EgressConnection(winner.channel(), winner.handoff(),
        source, destination, reported, timings, connector.proxyText(strategy), this);
    adoptable = true;
    boolean completed = result.complete(connection);
    adoptable = false;
    if (adoptedDeadline == null) {
      cancelDeadline();
    }
    if (!completed) {
      winner.channel().close();
    } else if (!winner.handoff().isAttached()) {
      // The caller attaches later, from elsewhere: read nothing more until it does. (A caller
      // that attached while the result completed, on this loop, costs no toggling of reads.)
      winner.channel().config().setAutoRead(false);
    }
  }

  /** Spec §2.2f/h: the attempt's one failure, recorded once in the source's health. */
  private void finish(EgressConnectException error) {
    if (state == State.FINISHED) {
      return;
    }
    state = State.FINISHED;
    cancelDeadline();
    connector.health().recordFailure(source, error.kind());
    result.completeExceptionally(error);
  }

  private void abort() {
    if (state == State.FINISHED) {
      return;
    }
    state = State.FINISHED;
    cancelDeadline();
    if (current != null) {
      current.abandon();
    }
  }

  private void cancelDeadline() {
    if (deadlineTask != null) {
      deadlineTask.cancel(false);
    }
  }

  private EgressConnectException error(FailureKind kind, String reason, Throwable cause) {
    return new EgressConnectException(kind, strategy.protocol(), connector.proxyText(strategy),
        IpLiterals.format(destination), reason, cause);
  }

  long nanoTime() {
    return loop.ticker().nanoTime();
  }

  EgressConnector connector() {
    return connector;
  }

  EgressSource source() {
    return source;
  }

  ConnectStrategy strategy() {
    return strategy;
  }

  InetSocketAddress destination() {
    return destination;
  }

  Duration timeout() {
    return timeout;
  }

  EventLoop loop() {
    return loop;
  }

  private static long micros(long nanos) {
    return Math.max(0, nanos) / 1000;
  }

  /** The message of an I/O error without Java class noise. */
  static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }
}
