package dev.egresskit.proxy;

import static dev.egresskit.proxy.TestProxies.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** End-to-end relays through the proxy on loopback, with a raw SOCKS5 client (user-space copy). */
class RelayTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  @RegisterExtension final ProxyFixture servers = new ProxyFixture(registry);

  /** The proxy every test starts from; {@link SpliceRelayTest} runs them all with splice. */
  Socks5ProxyServer.Builder loopback() {
    return servers.loopback();
  }

  @ParameterizedTest(name = "native transport {0}")
  @ValueSource(booleans = {true, false})
  void bindThenConnectDialsTheDestinationFromTheRequestedSource(boolean nativeTransport) throws Exception {
    EchoServer echo = servers.echo("127.0.0.1", 1);
    Socks5ProxyServer proxy = servers.start(loopback().nativeTransport(nativeTransport));
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      c.greet(0);
      InetSocketAddress bound = RawSocksClient.addressOf(c.bind("127.0.0.7", 0));
      byte[] connected = c.connectTo(echo.address());

      assertThat(connected[1]).isEqualTo((byte) 0);
      assertThat(RawSocksClient.addressOf(connected)).isEqualTo(bound);
      assertThat(bound.getAddress().getHostAddress()).isEqualTo("127.0.0.7");
      assertThat(echo.awaitPeers(1, Duration.ofSeconds(5))).containsExactly(bound);

      c.send("EHLO relay.test\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(c.read(17), StandardCharsets.US_ASCII)).isEqualTo("EHLO relay.test\r\n");
    }
  }

  @Test
  void plainConnectLetsTheKernelChooseAndRepliesWithTheOutboundAddress() throws Exception {
    EchoServer echo = servers.echo("127.0.0.1", 1);
    Socks5ProxyServer proxy = servers.start(loopback());
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      c.greet(0);
      byte[] connected = c.connectTo(echo.address());

      assertThat(connected[1]).isEqualTo((byte) 0);
      assertThat(echo.awaitPeers(1, Duration.ofSeconds(5))).containsExactly(RawSocksClient.addressOf(connected));
      c.send(new byte[] {1, 2, 3});
      assertThat(c.read(3)).containsExactly(1, 2, 3);
    }
  }

  @Test
  void plainConnectOverIpv6Works() throws Exception {
    EchoServer echo = servers.echo("::1", 1);
    Socks5ProxyServer proxy = servers.start(loopback());
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      c.greet(0);
      byte[] connected = c.connectTo(echo.address());

      assertThat(connected).startsWith(5, 0, 0, 4);
      c.send(new byte[] {9});
      assertThat(c.read(1)).containsExactly(9);
    }
  }

  @Test
  void aClientThatSendsEverythingInOneWriteIsServedInOrder() throws Exception {
    EchoServer echo = servers.echo("127.0.0.1", 1);
    Socks5ProxyServer proxy = servers.start(loopback());
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.writeBytes(new byte[] {5, 1, 0});
      all.writeBytes(RawSocksClient.request(2, InetAddress.getByName("127.0.0.8"), 0));
      all.writeBytes(RawSocksClient.request(1, echo.address().getAddress(), echo.address().getPort()));
      all.writeBytes("early data".getBytes(StandardCharsets.US_ASCII));
      c.send(all.toByteArray());

      assertThat(c.read(2)).containsExactly(5, 0);
      InetSocketAddress bound = RawSocksClient.addressOf(c.readReply());
      byte[] connected = c.readReply();
      assertThat(connected[1]).isEqualTo((byte) 0);
      assertThat(new String(c.read(10), StandardCharsets.US_ASCII)).isEqualTo("early data");
      assertThat(bound.getAddress().getHostAddress()).isEqualTo("127.0.0.8");
      assertThat(echo.awaitPeers(1, Duration.ofSeconds(5))).containsExactly(bound);
    }
  }

  @Test
  void halfCloseDeliversEveryByteInBothDirections() throws Exception {
    EchoServer echo = servers.echo("127.0.0.1", 1);
    Socks5ProxyServer proxy = servers.start(loopback());
    byte[] payload = new byte[2 * 1024 * 1024];
    new Random(42).nextBytes(payload);
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      c.greet(0);
      c.connectTo(echo.address());
      // Write from another thread: the echo comes back while we are still sending.
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          c.send(payload);
          c.shutdownOutput();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }, BulkPeer.OWN_THREAD);

      byte[] back = c.readToEnd();
      writer.get(10, TimeUnit.SECONDS);

      assertThat(back).isEqualTo(payload);
    }
    assertThat(echo.awaitClosed(Duration.ofSeconds(5))).isTrue();
    proxy.close();
    assertThat(echo.received()).isEqualTo(payload.length);
    assertThat(count(registry, ProxyMetrics.BYTES_UP)).isEqualTo(payload.length);
    assertThat(count(registry, ProxyMetrics.BYTES_DOWN)).isEqualTo(payload.length);
    assertThat(count(registry, ProxyMetrics.COMPLETED)).isEqualTo(1);
  }

  @Test
  void severalMegabytesEachWayWithHalfCloseArriveWholeAndAreCounted() throws Exception {
    byte[] up = payload(6 * 1024 * 1024 + 13, 1);
    byte[] down = payload(8 * 1024 * 1024 + 7, 2);
    Socks5ProxyServer proxy = servers.start(loopback());
    try (BulkPeer peer = new BulkPeer(down, false)) {
      try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
        c.greet(0);
        c.connectTo(peer.address());
        // Send everything and the FIN before reading: the destination's FIN then arrives while
        // megabytes of its data are still queued in the proxy.
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
          try {
            c.send(up);
            c.shutdownOutput();
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        }, BulkPeer.OWN_THREAD);
        writer.get(30, TimeUnit.SECONDS);
        byte[] back = c.readToEnd();

        assertThat(back.length).as(peer::describe).isEqualTo(down.length);
        assertThat(back).isEqualTo(down);
      }
      assertThat(peer.received(BulkPeer.STALL)).as(peer::describe).isEqualTo(up);
    }
    proxy.close();
    assertThat(count(registry, ProxyMetrics.BYTES_UP)).isEqualTo(up.length);
    assertThat(count(registry, ProxyMetrics.BYTES_DOWN)).isEqualTo(down.length);
    assertThat(count(registry, ProxyMetrics.COMPLETED)).isEqualTo(1);
  }

  /**
   * The client half-closes first, then the destination sends megabytes: the proxy keeps writing
   * to a client channel whose input is shut down, and its send buffer fills and drains many
   * times. With Netty 4.2.18's epoll transport a channel with no interest left is removed from
   * epoll, and the next wait for writability fails (epoll_ctl MOD: ENOENT), which cut the relay.
   */
  @Test
  void aClientThatHalfClosesFirstGetsMegabytesWhole() throws Exception {
    megabytesDownAfterTheClientsFin(payload(8 * 1024 * 1024 + 3, 4), (c, destination) -> {
      c.greet(0);
      c.connectTo(destination);
      c.shutdownOutput();
    });
  }

  /** How a client reaches the relay in {@link #megabytesDownAfterTheClientsFin}, its FIN sent. */
  private interface HalfClosingClient {
    void handshake(RawSocksClient client, InetSocketAddress destination) throws Exception;
  }

  /**
   * Five rounds, each a fresh proxy: the client does its handshake and sends FIN, the destination
   * then sends {@code down}; every byte must reach the client, and nothing the destination.
   */
  private void megabytesDownAfterTheClientsFin(byte[] down, HalfClosingClient client)
      throws Exception {
    for (int round = 0; round < 5; round++) {
      Socks5ProxyServer proxy = servers.start(loopback());
      try (BulkPeer peer = new BulkPeer(down, false);
          RawSocksClient c = RawSocksClient.connect(proxy.address())) {
        client.handshake(c, peer.address());
        byte[] back = c.readToEnd();

        int r = round;
        assertThat(back.length).as(() -> "round " + r + ": " + peer.describe())
            .isEqualTo(down.length);
        assertThat(back).isEqualTo(down);
        assertThat(peer.received(Duration.ofSeconds(30))).isEmpty();
      }
      proxy.close();
    }
  }

  @Test
  void aDestinationThatWritesAndClosesAtOnceLosesNothing() throws Exception {
    byte[] down = payload(4 * 1024 * 1024 + 1, 3);
    Socks5ProxyServer proxy = servers.start(loopback());
    try (BulkPeer peer = new BulkPeer(down, true)) {
      try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
        c.greet(0);
        c.connectTo(peer.address());
        byte[] back = c.readToEnd();

        assertThat(back.length).as(peer::describe).isEqualTo(down.length);
        assertThat(back).isEqualTo(down);
      }
    }
    proxy.close();
    assertThat(count(registry, ProxyMetrics.BYTES_DOWN)).isEqualTo(down.length);
    assertThat(count(registry, ProxyMetrics.COMPLETED)).isEqualTo(1);
  }

  @Test
  void aClientThatSendsItsFinWithTheHandshakeGetsTheWholeEcho() throws Exception {
    EchoServer echo = servers.echo("127.0.0.1", 1);
    Socks5ProxyServer proxy = servers.start(loopback());
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.writeBytes(new byte[] {5, 1, 0});
      all.writeBytes(RawSocksClient.request(1, echo.address().getAddress(), echo.address().getPort()));
      all.writeBytes("early and last".getBytes(StandardCharsets.US_ASCII));
      c.send(all.toByteArray());
      c.shutdownOutput();

      assertThat(c.read(2)).containsExactly(5, 0);
      assertThat(c.readReply()[1]).isEqualTo((byte) 0);
      assertThat(new String(c.readToEnd(), StandardCharsets.US_ASCII)).isEqualTo("early and last");
    }
    assertThat(echo.awaitClosed(Duration.ofSeconds(5))).isTrue();
    proxy.close();
    assertThat(count(registry, ProxyMetrics.BYTES_UP)).isEqualTo(14);
    assertThat(count(registry, ProxyMetrics.COMPLETED)).isEqualTo(1);
  }

  /**
   * The client's FIN comes with its handshake, so its input is already shut down while the proxy
   * dials, before the relay takes over; then the destination sends megabytes. The client channel
   * must stay in epoll through the handshake, or the relay's first wait for room to write fails
   * as in {@link #aClientThatHalfClosesFirstGetsMegabytesWhole}.
   */
  @Test
  void aClientThatSendsItsFinWithTheHandshakeGetsMegabytesWhole() throws Exception {
    megabytesDownAfterTheClientsFin(payload(8 * 1024 * 1024 + 5, 6), (c, destination) -> {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.writeBytes(new byte[] {5, 1, 0});
      all.writeBytes(RawSocksClient.request(1, destination.getAddress(), destination.getPort()));
      c.send(all.toByteArray());
      c.shutdownOutput();

      assertThat(c.read(2)).containsExactly(5, 0);
      assertThat(c.readReply()[1]).isEqualTo((byte) 0);
    });
  }

  static byte[] payload(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  void anIdleRelayIsClosedAfterTheIdleTimeout() throws Exception {
    EchoServer echo = servers.echo("127.0.0.1", 1);
    Socks5ProxyServer proxy = servers.start(loopback()
        .timeouts(ProxyTimeouts.defaults().withIdle(Duration.ofMillis(300))));
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      c.greet(0);
      c.connectTo(echo.address());
      c.send(new byte[] {7});
      assertThat(c.read(1)).containsExactly(7);

      long start = System.nanoTime();
      assertThat(c.closedByServer()).isTrue(); // bounded by the client's 5 s read timeout
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }
    assertThat(echo.awaitClosed(Duration.ofSeconds(5))).isTrue();
    proxy.close();
    assertThat(count(registry, ProxyMetrics.COMPLETED)).isEqualTo(1);
  }

  @Test
  void trafficKeepsARelayOpenPastTheIdleTimeout() throws Exception {
    EchoServer echo = servers.echo("127.0.0.1", 1);
    Duration idle = Duration.ofSeconds(1);
    Socks5ProxyServer proxy =
        servers.start(loopback().timeouts(ProxyTimeouts.defaults().withIdle(idle)));
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      c.greet(0);
      c.connectTo(echo.address());
      // Bytes keep moving for more than twice the idle time (bounded in count too): the idle
      // timer fires meanwhile and must move on, not close the relay.
      long start = System.nanoTime();
      int exchanges = 0;
      while (System.nanoTime() - start < idle.toNanos() * 5 / 2 && exchanges < 1_000_000) {
        c.send(new byte[] {7});
        assertThat(c.read(1)).containsExactly(7);
        exchanges++;
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(idle.multipliedBy(2));

      long quietFrom = System.nanoTime();
      assertThat(c.closedByServer()).isTrue(); // bounded by the client's 5 s read timeout
      assertThat(Duration.ofNanos(System.nanoTime() - quietFrom))
          .isGreaterThanOrEqualTo(idle.minusMillis(100));
    }
    proxy.close();
    assertThat(count(registry, ProxyMetrics.COMPLETED)).isEqualTo(1);
  }

  @Test
  void metricsCountAcceptedCompletedBytesAndActiveConnections() throws Exception {
    EchoServer echo = servers.echo("127.0.0.1", 1);
    Socks5ProxyServer proxy = servers.start(loopback().listenerName("test-listener"));
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      c.greet(0);
      c.connectTo(echo.address());
      c.send(new byte[100]);
      c.read(100);
      assertThat(registry.get(ProxyMetrics.ACTIVE).tag("listener", "test-listener").gauge().value())
          .isEqualTo(1);
    }
    assertThat(echo.awaitClosed(Duration.ofSeconds(5))).isTrue();
    proxy.close();

    assertThat(count(registry, ProxyMetrics.ACCEPTED, "listener", "test-listener")).isEqualTo(1);
    assertThat(count(registry, ProxyMetrics.COMPLETED, "listener", "test-listener")).isEqualTo(1);
    assertThat(count(registry, ProxyMetrics.FAILED)).isZero();
    assertThat(count(registry, ProxyMetrics.BYTES_UP, "listener", "test-listener")).isEqualTo(100);
    assertThat(count(registry, ProxyMetrics.BYTES_DOWN, "listener", "test-listener")).isEqualTo(100);
    assertThat(TestProxies.gauge(registry, ProxyMetrics.ACTIVE)).isZero();
  }

  @Test
  void closeStopsAcceptingButLetsARunningRelayFinish() throws Exception {
    EchoServer echo = servers.echo("127.0.0.1", 1);
    Socks5ProxyServer proxy = servers.start(loopback()
        .timeouts(ProxyTimeouts.defaults().withShutdown(Duration.ofSeconds(20))));
    InetSocketAddress address = proxy.address();
    CompletableFuture<Void> closing;
    try (RawSocksClient c = RawSocksClient.connect(address)) {
      c.greet(0);
      c.connectTo(echo.address());

      closing = CompletableFuture.runAsync(proxy::close, BulkPeer.OWN_THREAD);
      // The relay keeps working while the server drains.
      c.send(new byte[] {1, 2});
      assertThat(c.read(2)).containsExactly(1, 2);
      assertThat(closing).isNotDone();
    }
    closing.get(10, TimeUnit.SECONDS);

    assertThatThrownBy(() -> new Socket(address.getAddress(), address.getPort()).close())
        .isInstanceOf(ConnectException.class);
    assertThat(count(registry, ProxyMetrics.COMPLETED)).isEqualTo(1);
  }

  @Test
  void closeEndsARelayThatOutlivesTheShutdownBound() throws Exception {
    EchoServer echo = servers.echo("127.0.0.1", 1);
    Socks5ProxyServer proxy = servers.start(loopback()
        .timeouts(ProxyTimeouts.defaults().withShutdown(Duration.ofMillis(300))));
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      c.greet(0);
      c.connectTo(echo.address());

      long start = System.nanoTime();
      proxy.close();

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(count(registry, ProxyMetrics.COMPLETED)).isEqualTo(1);
    // What a front end stopping on a signal waits for: the drain, the forced close, the threads.
    assertThat(proxy.closeTime()).isEqualTo(Duration.ofMillis(300).plusSeconds(5 + 10 + 10));
  }

  @Test
  void closeEndsConnectionsStillInTheirHandshakeAtOnce() throws Exception {
    Socks5ProxyServer proxy = servers.start(loopback());
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      c.greet(0);

      proxy.close();

      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(count(registry, ProxyMetrics.FAILED, "reason", "shutdown")).isEqualTo(1);
  }

  @Test
  void aSecondServerOnTheSamePortFailsWithAClearMessage() {
    Socks5ProxyServer proxy = servers.start(loopback());
    Socks5ProxyServer second = Socks5ProxyServer.builder().listen(proxy.address()).build();

    assertThatThrownBy(second::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot listen on " + "127.0.0.1:" + proxy.address().getPort());
  }

  @Test
  void theBuilderRejectsImpossibleSettings() {
    assertThatThrownBy(() -> Socks5ProxyServer.builder().build())
        .hasMessageContaining("listen address is required");
    assertThatThrownBy(() -> Socks5ProxyServer.builder()
        .listen(new InetSocketAddress("127.0.0.1", 0)).requireAuth(true).build())
        .hasMessageContaining("requireAuth(true) needs credentials");
    assertThatThrownBy(() -> Socks5ProxyServer.builder().allowSources(List.of("10.0.0.0/8", "bogus", "1.2.3.4/40")))
        .hasMessageContaining("\"bogus\" is not a CIDR")
        .hasMessageContaining("\"1.2.3.4/40\" has an invalid prefix");
    assertThatThrownBy(() -> Socks5ProxyServer.builder().allowDestinationPorts(java.util.Set.of(25, 0, 70000)))
        .hasMessageContaining("[0, 70000] out of range: expected 1 to 65535");
    assertThatThrownBy(() -> ProxyTimeouts.defaults().withIdle(Duration.ZERO))
        .hasMessageContaining("timeout idle is 0s: expected between 1ms and");
  }
}
