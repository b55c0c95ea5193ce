package dev.egresskit.proxy;

import static dev.egresskit.proxy.TestProxies.ALICE;
import static dev.egresskit.proxy.TestProxies.count;
import static dev.egresskit.proxy.TestProxies.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Byte-exact replies of the greeting, authentication and request phases (spec §3.2–3.3). */
class HandshakeTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  @RegisterExtension final ProxyFixture servers = new ProxyFixture(registry);

  private RawSocksClient client(Socks5ProxyServer.Builder builder) throws Exception {
    return RawSocksClient.connect(servers.start(builder).address());
  }

  private RawSocksClient client() throws Exception {
    return client(servers.loopback());
  }

  @Test
  void aClientWithoutAuthIsAcceptedWithMethodZero() throws Exception {
    try (RawSocksClient c = client()) {
      assertThat(c.greet(0)).containsExactly(5, 0);
    }
  }

  @Test
  void requireAuthRefusesAClientThatOffersOnlyNoAuthWith05FF() throws Exception {
    try (RawSocksClient c = client(servers.loopback().credentials(ALICE).requireAuth(true))) {
      assertThat(c.greet(0)).containsExactly(5, 0xFF);
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(servers.failed("no_acceptable_method")).isEqualTo(1);
  }

  @Test
  void aClientThatOffersPasswordIsAuthenticatedEvenWhenAuthIsOptional() throws Exception {
    try (RawSocksClient c = client(servers.loopback().credentials(ALICE).requireAuth(false))) {
      assertThat(c.greet(0, 2)).containsExactly(5, 2);
      assertThat(c.auth("alice", "wrong")).containsExactly(1, 1);
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(servers.failed("auth_failed")).isEqualTo(1);
  }

  @Test
  void theRightPasswordIsAcceptedAndRequestsFollow() throws Exception {
    try (RawSocksClient c = client(servers.loopback().credentials(ALICE).requireAuth(true))) {
      assertThat(c.greet(2)).containsExactly(5, 2);
      assertThat(c.auth("alice", "s3cret")).containsExactly(1, 0);
      byte[] reply = c.bind("127.0.0.3", 0);
      assertThat(reply[1]).isEqualTo((byte) 0);
      assertThat(RawSocksClient.addressOf(reply).getAddress().getHostAddress()).isEqualTo("127.0.0.3");
    }
  }

  @Test
  void anUnknownUserIsRefused() throws Exception {
    try (RawSocksClient c = client(servers.loopback().credentials(ALICE))) {
      assertThat(c.greet(2)).containsExactly(5, 2);
      assertThat(c.auth("mallory", "s3cret")).containsExactly(1, 1);
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void offeringPasswordToAServerWithoutCredentialsFailsAuthentication() throws Exception {
    try (RawSocksClient c = client()) {
      assertThat(c.greet(0, 2)).containsExactly(5, 2);
      assertThat(c.auth("alice", "s3cret")).containsExactly(1, 1);
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void aClientOfferingOnlyAnUnsupportedMethodGets05FF() throws Exception {
    try (RawSocksClient c = client()) {
      assertThat(c.greet(1)).containsExactly(5, 0xFF);
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void aGreetingWithoutMethodsIsClosedWithoutAReply() throws Exception {
    try (RawSocksClient c = client()) {
      c.send(new byte[] {5, 0});
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(servers.failed("protocol_error")).isEqualTo(1);
  }

  @Test
  void aSocks4GreetingIsClosedWithoutAReply() throws Exception {
    try (RawSocksClient c = client()) {
      c.send(new byte[] {4, 1, 0, 25, 127, 0, 0, 1, 0});
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void bindAnswersWithTheBoundSourceAndAnEphemeralPort() throws Exception {
    try (RawSocksClient c = client()) {
      c.greet(0);
      byte[] reply = c.bind("127.0.0.4", 0);

      assertThat(reply).startsWith(5, 0, 0, 1, 127, 0, 0, 4);
      assertThat(RawSocksClient.addressOf(reply).getPort()).isPositive();
    }
  }

  @Test
  void bindKeepsTheRequestedPortWhenOneIsGiven() throws Exception {
    int port = TestProxies.closedPort();
    try (RawSocksClient c = client()) {
      c.greet(0);
      byte[] reply = c.bind("127.0.0.4", port);

      assertThat(RawSocksClient.addressOf(reply)).isEqualTo(new InetSocketAddress("127.0.0.4", port));
    }
  }

  @Test
  void bindOfIpv6LoopbackAnswersWithAnIpv6Address() throws Exception {
    try (RawSocksClient c = client()) {
      c.greet(0);
      byte[] reply = c.bind("::1", 0);

      assertThat(reply[1]).isEqualTo((byte) 0);
      assertThat(reply[3]).isEqualTo((byte) 4);
      assertThat(RawSocksClient.addressOf(reply).getAddress()).isEqualTo(InetAddress.getByName("::1"));
    }
  }

  @Test
  void aSecondBindIsRefusedWith01AndTheSessionEnds() throws Exception { // case 41
    try (RawSocksClient c = client()) {
      c.greet(0);
      assertThat(c.bind("127.0.0.3", 0)[1]).isEqualTo((byte) 0);

      assertThat(c.bind("127.0.0.3", 0)).containsExactly(failure(1));
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(servers.failed("bad_sequence")).isEqualTo(1);
  }

  @Test
  void udpAssociateIsNotSupported() throws Exception { // case 42
    try (RawSocksClient c = client()) {
      c.greet(0);
      assertThat(c.command(3, InetAddress.getByName("127.0.0.1"), 0)).containsExactly(failure(7));
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void anUnknownCommandIsNotSupported() throws Exception {
    try (RawSocksClient c = client()) {
      c.greet(0);
      assertThat(c.command(9, InetAddress.getByName("127.0.0.1"), 25)).containsExactly(failure(7));
    }
  }

  @Test
  void aDomainNameDestinationIsAnsweredWith01AndNeverResolved() throws Exception { // case 42
    EchoServer echo = servers.echo("127.0.0.1", 0);
    try (RawSocksClient c = client()) {
      c.greet(0);
      c.send(RawSocksClient.domainRequest(1, "localhost", echo.address().getPort()));

      assertThat(c.readReply()).containsExactly(failure(1));
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(servers.failed("domain_not_supported")).isEqualTo(1);
    assertThat(echo.peers()).isEmpty();
  }

  @Test
  void anUnknownAddressTypeIsAnsweredWith08() throws Exception {
    try (RawSocksClient c = client()) {
      c.greet(0);
      c.send(new byte[] {5, 1, 0, 9, 1, 2, 3, 4, 0, 25});
      assertThat(c.readReply()).containsExactly(failure(8));
    }
  }

  @Test
  void bindOfAnUnplumbedAddressAnswers01WithNoOutboundConnection() throws Exception { // case 44
    // 192.0.2.1 is only ever a bind address here: bind fails with EADDRNOTAVAIL before any packet.
    try (RawSocksClient c = client()) {
      c.greet(0);
      assertThat(c.bind("192.0.2.1", 0)).containsExactly(failure(1));
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(servers.failed("bind_failed")).isEqualTo(1);
    assertThat(count(registry, ProxyMetrics.BYTES_UP)).isZero();
  }

  @Test
  void bindOfAnUnplumbedIpv6AddressAnswers01() throws Exception {
    try (RawSocksClient c = client()) {
      c.greet(0);
      assertThat(c.bind("::2", 0)).containsExactly(failure(1));
    }
  }

  @Test
  void bindOfASourceOutsideTheAllowListIsRefusedWith02() throws Exception {
    try (RawSocksClient c = client(servers.loopback().allowSources(List.of("127.0.0.2/32")))) {
      c.greet(0);
      assertThat(c.bind("127.0.0.3", 0)).containsExactly(failure(2));
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(servers.failed("source_not_allowed")).isEqualTo(1);
  }

  @Test
  void bindOfASourceInsideTheAllowListSucceeds() throws Exception {
    try (RawSocksClient c = client(servers.loopback().allowSources(List.of("127.0.0.0/30")))) {
      c.greet(0);
      assertThat(c.bind("127.0.0.2", 0)[1]).isEqualTo((byte) 0);
    }
  }

  @Test
  void connectToAPortOutsideTheAllowListIsRefusedWith02AndNothingIsDialled() throws Exception {
    EchoServer echo = servers.echo("127.0.0.1", 0);
    try (RawSocksClient c = client(servers.loopback().allowDestinationPorts(Set.of(25)))) {
      c.greet(0);
      assertThat(c.connectTo(echo.address())).containsExactly(failure(2));
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(servers.failed("port_not_allowed")).isEqualTo(1);
    assertThat(echo.peers()).isEmpty();
  }

  @ParameterizedTest(name = "native transport {0}")
  @ValueSource(booleans = {true, false})
  void connectToAClosedPortIsAnsweredWith05(boolean nativeTransport) throws Exception {
    int port = TestProxies.closedPort();
    try (RawSocksClient c = client(servers.loopback().nativeTransport(nativeTransport))) {
      c.greet(0);
      assertThat(c.connectTo(new InetSocketAddress("127.0.0.1", port))).containsExactly(failure(5));
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(servers.failed("connect_failed")).isEqualTo(1);
  }

  @Test
  void aConnectThatHangsIsAnsweredWith06AfterTheConnectTimeout() throws Exception {
    // A loopback listener that never accepts: once its accept queue is full, Linux drops further
    // SYNs, so a connect to it hangs without any traffic leaving the machine.
    List<Socket> filler = new ArrayList<>();
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      InetSocketAddress target = (InetSocketAddress) full.getLocalSocketAddress();
      boolean hangs = false;
      for (int i = 0; i < 20 && !hangs; i++) {
        Socket s = new Socket();
        filler.add(s);
        try {
          s.connect(target, 300);
        } catch (SocketTimeoutException e) {
          hangs = true;
        }
      }
      assertThat(hangs).as("the accept queue filled up").isTrue();
      ProxyTimeouts timeouts = ProxyTimeouts.defaults().withConnect(Duration.ofMillis(300));
      try (RawSocksClient c = client(servers.loopback().timeouts(timeouts))) {
        c.greet(0);
        assertThat(c.connectTo(target)).containsExactly(failure(6));
        assertThat(c.closedByServer()).isTrue();
      }
      assertThat(servers.failed("connect_timeout")).isEqualTo(1);
    } finally {
      for (Socket s : filler) {
        s.close();
      }
    }
  }

  @Test
  void aSilentClientIsClosedAfterTheGreetingTimeout() throws Exception {
    ProxyTimeouts timeouts = ProxyTimeouts.defaults().withGreeting(Duration.ofMillis(200));
    try (RawSocksClient c = client(servers.loopback().timeouts(timeouts))) {
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(servers.failed("greeting_timeout")).isEqualTo(1);
  }

  @Test
  void aClientThatNeverSendsARequestIsClosedAfterTheRequestTimeout() throws Exception {
    ProxyTimeouts timeouts = ProxyTimeouts.defaults().withRequest(Duration.ofMillis(200));
    try (RawSocksClient c = client(servers.loopback().timeouts(timeouts))) {
      c.greet(0);
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(servers.failed("request_timeout")).isEqualTo(1);
  }

  @Test
  void aLaterPhaseKeepsItsOwnLongerTimeoutAfterAShortEarlierOne() throws Exception {
    // One timer task serves every phase: armed at the greeting's 100 ms, it must not end the
    // request phase, whose timeout is 1.5 s, when it fires.
    ProxyTimeouts timeouts = ProxyTimeouts.defaults().withGreeting(Duration.ofMillis(100))
        .withRequest(Duration.ofMillis(1500));
    try (RawSocksClient c = client(servers.loopback().timeouts(timeouts))) {
      long start = System.nanoTime();
      c.greet(0);
      assertThat(c.closedByServer()).isTrue();
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(1500).toNanos());
    }
    assertThat(servers.failed("request_timeout")).isEqualTo(1);
    assertThat(servers.failed("greeting_timeout")).isZero();
  }

  @Test
  void aClientThatStallsInAuthenticationIsClosedAfterTheAuthTimeout() throws Exception {
    ProxyTimeouts timeouts = ProxyTimeouts.defaults().withAuth(Duration.ofMillis(200));
    try (RawSocksClient c = client(servers.loopback().credentials(ALICE).timeouts(timeouts))) {
      c.greet(2);
      c.send(new byte[] {1, 5, 'a'}); // a partial RFC 1929 request
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(servers.failed("auth_timeout")).isEqualTo(1);
  }

  @Test
  void aClientThatClosesMidRequestIsCountedAsClientClosed() throws Exception {
    try (RawSocksClient c = client()) {
      c.greet(0);
      c.send(new byte[] {5, 1, 0, 1, 127});
      c.shutdownOutput();
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(servers.failed("client_closed")).isEqualTo(1);
  }
}
