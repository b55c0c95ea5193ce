package dev.egresskit.transport;

import static dev.egresskit.transport.testing.Sources.direct;
import static dev.egresskit.transport.testing.Sources.ip;
import static dev.egresskit.transport.testing.Sources.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.Route;
import dev.egresskit.testkit.await.Await;
import dev.egresskit.transport.testing.RawServer;
import dev.egresskit.transport.testing.RecordingHealth;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Direct route on loopback, with Epoll and with NIO. */
class DirectConnectTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static EgressConnector connector(boolean useNative, RecordingHealth health) {
    return EgressConnector.builder().nativeTransport(useNative).eventLoopThreads(1)
        .health(health).build();
  }

  @ParameterizedTest(name = "native={0}")
  @ValueSource(booleans = {true, false})
  void serverSeesTheBoundSourceAddressAndNagleIsOff(boolean useNative) throws IOException {
    try (RawServer server = RawServer.silent();
         EgressConnector connector = connector(useNative, new RecordingHealth())) {
      EgressConnection c = Await.result(
          connector.connect(direct("ip-3", "127.0.0.3"), server.address(), TIMEOUT));
      Await.until(() -> server.accepted() == 1, TIMEOUT, "the server accepted");
      assertThat(server.peers().get(0).getAddress()).isEqualTo(ip("127.0.0.3"));
      assertThat(c.localAddress().getAddress()).isEqualTo(ip("127.0.0.3"));
      assertThat(c.reportedSource().address()).isEqualTo(c.localAddress());
      assertThat(c.reportedSource().protocol()).isEqualTo("direct");
      assertThat(c.proxyCandidate()).isEmpty();
      assertThat(c.channel().config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
      assertThat(connector.transportName()).isEqualTo(
          useNative && io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "nio");
      c.close();
    }
  }

  /** {@code eventLoops()} are the loops where attempts end, and they close with the connector. */
  @ParameterizedTest(name = "native={0}")
  @ValueSource(booleans = {true, false})
  void failuresAreRecordedOnTheEventLoopsItLendsAndTheyCloseWithIt(boolean useNative)
      throws IOException {
    AtomicReference<EventLoopGroup> loops = new AtomicReference<>();
    FailuresOnLoops health = new FailuresOnLoops(loops::get);
    try (RawServer server = RawServer.silent();
         EgressConnector connector = EgressConnector.builder().nativeTransport(useNative)
             .eventLoopThreads(1).health(health).build()) {
      loops.set(connector.eventLoops());
      Await.failure(connector.connect(direct("bad", "192.0.2.1"), server.address(), TIMEOUT));
      assertThat(health.onTheLoops).containsExactly(true);
    }
    assertThat(loops.get().isShutdown()).isTrue();
  }

  /** Lent loops run the attempts and outlive the connector; they keep the system ticker. */
  @Test
  void lentEventLoopsRunTheAttemptsAndOutliveTheConnector() throws IOException {
    EventLoopGroup lent = EgressConnector.newEventLoops(1);
    try {
      FailuresOnLoops health = new FailuresOnLoops(() -> lent);
      try (RawServer server = RawServer.silent();
           EgressConnector connector = EgressConnector.builder().eventLoops(lent)
               .health(health).build()) {
        assertThat(connector.eventLoops()).isSameAs(lent);
        Await.failure(connector.connect(direct("bad", "192.0.2.1"), server.address(), TIMEOUT));
        assertThat(health.onTheLoops).containsExactly(true);
      }
      assertThat(lent.isShuttingDown()).isFalse();
      assertThatThrownBy(() -> EgressConnector.builder().eventLoops(lent)
          .ticker(Ticker.newMockTicker()).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("lent event loops keep the system ticker");
    } finally {
      lent.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    DefaultEventLoopGroup plain = new DefaultEventLoopGroup(1);
    try {
      assertThatThrownBy(() -> EgressConnector.builder().eventLoops(plain))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must be Epoll's or NIO's");
    } finally {
      plain.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** Notes, for each failure, whether it was recorded on one of the given loops. */
  private static final class FailuresOnLoops implements SourceHealth {
    final List<Boolean> onTheLoops = new CopyOnWriteArrayList<>();
    private final Supplier<EventLoopGroup> loops;

    FailuresOnLoops(Supplier<EventLoopGroup> loops) {
      this.loops = loops;
    }

    @Override
    public Optional<Instant> suspendedUntil(String sourceName) {
      return Optional.empty();
    }

    @Override
    public void recordFailure(EgressSource source, FailureKind kind) {
      boolean on = false;
      for (EventExecutor loop : loops.get()) {
        on |= loop.inEventLoop();
      }
      onTheLoops.add(on);
    }
  }

  @ParameterizedTest(name = "native={0} bind={1}")
  @ValueSource(strings = {"true,192.0.2.1,127.0.0.1", "false,192.0.2.1,127.0.0.1",
      "true,::2,::1", "false,::2,::1"})
  void unplumbedSourceIsClassifiedBeforeAnyPacketIsSent(String params) throws IOException {
    String[] p = params.split(",");
    RecordingHealth health = new RecordingHealth();
    try (RawServer server = new RawServer(p[2], (s, in, out) -> { });
         EgressConnector connector = connector(Boolean.parseBoolean(p[0]), health)) {
      Throwable failure = Await.failure(
          connector.connect(direct("bad", p[1]), server.address(), TIMEOUT));
      assertThat(failure).isInstanceOf(EgressConnectException.class);
      EgressConnectException e = (EgressConnectException) failure;
      assertThat(e.kind()).isEqualTo(FailureKind.SOURCE_UNPLUMBED);
      assertThat(e.getMessage()).startsWith("direct, no proxy => ")
          .contains("bind " + p[1] + " for bad failed: ")
          .contains("Cannot assign requested address")
          .contains("transport=" + dev.egresskit.core.grammar.IpLiterals.format(server.address()));
      assertThat(server.accepted()).isZero();
      assertThat(health.recorded()).containsExactly("bad:SOURCE_UNPLUMBED");
      Await.until(() -> connector.openChannels() == 0, TIMEOUT, "the channel is closed");
    }
  }

  @Test
  void refusedDestinationIsADestinationFailure() throws IOException {
    RecordingHealth health = new RecordingHealth();
    try (EgressConnector connector = connector(true, health)) {
      InetSocketAddress closed = closedPort();
      EgressConnectException e = (EgressConnectException) Await.failure(
          connector.connect(source("plain", new Route.Direct(Optional.empty())), closed, TIMEOUT));
      assertThat(e.kind()).isEqualTo(FailureKind.DESTINATION_FAILED);
      assertThat(e.reason()).startsWith("failed to connect to 127.0.0.1:" + closed.getPort());
      assertThat(e.getMessage()).isEqualTo("direct, no proxy => 127.0.0.1:" + closed.getPort()
          + ": " + e.reason());
      assertThat(health.recorded()).containsExactly("plain:DESTINATION_FAILED");
    }
  }

  @Test
  void suspendedSourceFailsFastWithoutConnectingOrRecording() throws IOException {
    RecordingHealth health = new RecordingHealth();
    health.suspend("ip-4");
    try (RawServer server = RawServer.silent(); EgressConnector connector = connector(true, health)) {
      EgressConnectException e = (EgressConnectException) Await.failure(
          connector.connect(direct("ip-4", "127.0.0.4"), server.address(), TIMEOUT));
      assertThat(e.kind()).isEqualTo(FailureKind.SOURCE_SUSPENDED);
      assertThat(e.reason()).isEqualTo("source ip-4 is unhealthy and suspended");
      assertThat(server.accepted()).isZero();
      assertThat(health.recorded()).isEmpty();
    }
  }

  @Test
  void sourceAddressOfTheOtherFamilyIsAFamilyMismatch() throws IOException {
    try (EgressConnector connector = connector(true, new RecordingHealth())) {
      EgressConnectException e = (EgressConnectException) Await.failure(connector.connect(
          direct("v4", "127.0.0.2"), new InetSocketAddress(ip("::1"), 25), TIMEOUT));
      assertThat(e.kind()).isEqualTo(FailureKind.FAMILY_MISMATCH);
      assertThat(e.reason()).isEqualTo("Skipping v4 because source_address 127.0.0.2 address "
          + "family does not match the destination address family [::1]:25");
    }
  }

  @Test
  void remotePortOverridesTheDestinationPort() throws IOException {
    try (RawServer server = RawServer.silent();
         EgressConnector connector = connector(true, new RecordingHealth())) {
      var src = source("rp", Optional.empty(), OptionalInt.of(server.address().getPort()),
          new Route.Direct(Optional.empty()));
      EgressConnection c = Await.result(
          connector.connect(src, new InetSocketAddress(ip("127.0.0.1"), 2), TIMEOUT));
      assertThat(c.destination()).isEqualTo(server.address());
      c.close();
    }
  }

  @Test
  void destinationPortRuleFallsBackToTheGivenPortThenTwentyFive() {
    var plain = source("p", new Route.Direct(Optional.empty()));
    assertThat(EgressConnector.effectiveDestination(plain,
        new InetSocketAddress(ip("127.0.0.1"), 2526)).getPort()).isEqualTo(2526);
    assertThat(EgressConnector.effectiveDestination(plain,
        new InetSocketAddress(ip("127.0.0.1"), 0)).getPort()).isEqualTo(25);
    var withRemote = source("r", Optional.empty(), OptionalInt.of(2525),
        new Route.Direct(Optional.empty()));
    assertThat(EgressConnector.effectiveDestination(withRemote,
        new InetSocketAddress(ip("127.0.0.1"), 2526)).getPort()).isEqualTo(2525);
  }

  @Test
  void unresolvedDestinationsAndClosedConnectorsAreRejectedUpFront() {
    EgressConnector connector = connector(true, new RecordingHealth());
    var src = source("x", new Route.Direct(Optional.empty()));
    assertThatThrownBy(() -> connector.connect(src,
        InetSocketAddress.createUnresolved("mx.example.net", 25), TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mx.example.net");
    assertThatThrownBy(() -> connector.connect(src,
        new InetSocketAddress(ip("127.0.0.1"), 25), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> connector.connect(src,
        new InetSocketAddress(ip("127.0.0.1"), 25), Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 1 day");
    connector.close();
    assertThatThrownBy(() -> connector.connect(src,
        new InetSocketAddress(ip("127.0.0.1"), 25), TIMEOUT))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  /** A loopback port nothing listens on (bound then released). */
  static InetSocketAddress closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, ip("127.0.0.1"))) {
      return (InetSocketAddress) s.getLocalSocketAddress();
    }
  }
}
