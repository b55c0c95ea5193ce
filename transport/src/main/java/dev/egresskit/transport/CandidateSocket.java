package dev.egresskit.transport;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.transport.spi.ConnectStrategy;
import dev.egresskit.transport.spi.HandshakeContext;
import dev.egresskit.transport.spi.SourceAddressInfo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One candidate of a {@link ConnectAttempt}: its socket's life from creation through bind,
 * connect and the strategy's handshake, until it succeeds, fails, or the attempt gives it up.
 * Everything runs on the attempt's event loop.
 */
final class CandidateSocket implements HandshakeContext, Handoff.Listener, ChannelFutureListener {
  private enum Step { REGISTERING, BINDING, CONNECTING, HANDSHAKING, DONE }

  private final ConnectAttempt attempt;
  private final InetSocketAddress transport;
  private final ConnectStrategy strategy;
  private Channel channel;
  private Handoff handoff;
  private Step step = Step.REGISTERING;
  /** What the handshake waits for, as the strategy last named it; null before it names one. */
  private String phase;
  private long connectedNanos;

  CandidateSocket(ConnectAttempt attempt, InetSocketAddress transport) {
    this.attempt = attempt;
    this.transport = transport;
    this.strategy = attempt.strategy();
  }

  Channel channel() {
    return channel;
  }

  Handoff handoff() {
    return handoff;
  }

  long connectedNanos() {
    return connectedNanos;
  }

  void start() {
    EgressConnector connector = attempt.connector();
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
          + ": " + ConnectAttempt.describe(e), e);
      return;
    }
    connector.track(channel);
    attempt.loop().register(channel).addListener(this);
  }

  /** One listener object serves register, bind and connect: no lambda per step. */
  @Override
  public void operationComplete(ChannelFuture f) {
    switch (step) {
      case REGISTERING -> registered(f);
      case BINDING -> bound(f);
      case CONNECTING -> connected(f);
      default -> { } // given up or finished meanwhile
    }
  }

  private void registered(ChannelFuture f) {
    if (!f.isSuccess()) {
      fail(unreachableKind(), "failed to register a socket for "
          + IpLiterals.format(transport) + ": " + ConnectAttempt.describe(f.cause()), f.cause());
    } else if (source().route().bindAddress().isPresent()) {
      step = Step.BINDING;
      channel.bind(new InetSocketAddress(source().route().bindAddress().get(), 0))
          .addListener(this);
    } else {
      connect();
    }
  }

  private void bound(ChannelFuture f) {
    if (f.isSuccess()) {
      connect();
      return;
    }
    InetAddress address = source().route().bindAddress().orElseThrow();
    FailureKind kind = BindErrors.isAddressNotAvailable(f.cause())
        ? FailureKind.SOURCE_UNPLUMBED : FailureKind.BIND_FAILED;
    fail(kind, "bind " + IpLiterals.format(address) + " for " + source().name() + " failed: "
        + ConnectAttempt.describe(f.cause()) + " while attempting to connect to "
        + IpLiterals.format(destination()) + " transport=" + IpLiterals.format(transport)
        + " proto=" + strategy.protocol(), f.cause());
  }

  private void connect() {
    step = Step.CONNECTING;
    channel.connect(transport).addListener(this);
  }

  private void connected(ChannelFuture f) {
    if (!f.isSuccess()) {
      fail(unreachableKind(), "failed to connect to " + IpLiterals.format(transport) + " ("
          + strategy.protocol() + "): " + ConnectAttempt.describe(f.cause()), f.cause());
      return;
    }
    connectedNanos = attempt.nanoTime();
    step = Step.HANDSHAKING;
    handoff = new Handoff(this);
    channel.pipeline().addLast(HANDOFF, handoff);
    try {
      strategy.startHandshake(channel, this);
    } catch (RuntimeException e) {
      fail(FailureKind.PROXY_PROTOCOL_ERROR, "failed to perform proxy handshake with "
          + IpLiterals.format(transport) + ": " + ConnectAttempt.describe(e), e);
    }
  }

  private FailureKind unreachableKind() {
    return strategy.proxy().isPresent() ? FailureKind.PROXY_UNREACHABLE
        : FailureKind.DESTINATION_FAILED;
  }

  private String phase() {
    if (phase != null) {
      return phase;
    }
    return step == Step.HANDSHAKING ? "starting the " + strategy.protocol() + " handshake"
        : "connecting";
  }

  /** The attempt's deadline passed while this candidate was current. */
  void onDeadline() {
    if (step == Step.DONE) {
      return;
    }
    String after = "timeout after " + Durations.format(attempt.timeout());
    if (step == Step.HANDSHAKING) {
      fail(FailureKind.HANDSHAKE_TIMEOUT, after + " while performing proxy handshake with "
          + IpLiterals.format(transport) + " (" + phase() + ")", null);
    } else {
      fail(strategy.proxy().isPresent() ? FailureKind.PROXY_UNREACHABLE
          : FailureKind.CONNECT_TIMEOUT, after + " while connecting to "
          + IpLiterals.format(transport) + " (" + strategy.protocol() + ")", null);
    }
  }

  /** The attempt was abandoned by its caller: drop the socket, report nothing. */
  void abandon() {
    step = Step.DONE;
    if (channel != null) {
      channel.close();
    }
  }

  @Override
  public EgressSource source() {
    return attempt.source();
  }

  @Override
  public InetSocketAddress destination() {
    return attempt.destination();
  }

  @Override
  public InetSocketAddress transport() {
    return transport;
  }

  @Override
  public boolean lockstep() {
    return attempt.connector().lockstepHandshakes();
  }

  @Override
  public void enterPhase(String phase) {
    this.phase = phase;
  }

  @Override
  public void succeed(SourceAddressInfo reported) {
    if (step == Step.DONE) {
      return;
    }
    step = Step.DONE;
    handoff.handshakeDone();
    attempt.candidateSucceeded(this, reported);
  }

  @Override
  public void fail(FailureKind kind, String reason, Throwable cause) {
    if (step == Step.DONE) {
      return;
    }
    step = Step.DONE;
    if (channel != null) {
      channel.close();
    }
    attempt.candidateFailed(transport, kind, reason, cause);
  }

  @Override
  public void closedDuringHandshake() {
    fail(FailureKind.PROXY_PROTOCOL_ERROR, "failed to perform proxy handshake with "
        + IpLiterals.format(transport) + ": connection closed by the peer while " + phase(), null);
  }

  @Override
  public void exceptionDuringHandshake(Throwable cause) {
    fail(FailureKind.PROXY_PROTOCOL_ERROR, "failed to perform proxy handshake with "
        + IpLiterals.format(transport) + ": " + ConnectAttempt.describe(cause), cause);
  }
}
