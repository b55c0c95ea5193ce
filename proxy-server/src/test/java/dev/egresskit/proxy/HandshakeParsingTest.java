package dev.egresskit.proxy;

import static dev.egresskit.proxy.TestProxies.ALICE;
import static dev.egresskit.proxy.TestProxies.count;
import static dev.egresskit.proxy.TestProxies.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy's own SOCKS5 parser ({@link HandshakeParser}) over loopback: a handshake split at
 * any byte is answered as if it came whole, every field length is read right at its bounds, and
 * malformed input is judged at the byte that shows it, without waiting for more.
 */
class HandshakeParsingTest {

  private static final byte[] EARLY = "EHLO split\r\n".getBytes(StandardCharsets.US_ASCII);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AuthAttempt> attempts = new CopyOnWriteArrayList<>();
  @RegisterExtension final ProxyFixture servers = new ProxyFixture(registry);

  /** Greeting offering 02, RFC 1929 as alice, BIND 127.0.0.2, CONNECT to the echo, early data. */
  private byte[] oneFlight() throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.write(new byte[] {5, 1, 2});
    all.write(RawSocksClient.authBytes("alice", "s3cret"));
    all.write(RawSocksClient.request(2, InetAddress.getByName("127.0.0.2"), 0));
    all.write(RawSocksClient.request(1, InetAddress.getByName("127.0.0.1"),
        servers.echo().address().getPort()));
    all.write(EARLY);
    return all.toByteArray();
  }

  /** Sends the parts one write each (TCP_NODELAY: a segment each), half-closes, reads to EOF. */
  private byte[] exchange(List<byte[]> parts) throws Exception {
    try (RawSocksClient c = RawSocksClient.connect(servers.proxy().address())) {
      for (byte[] part : parts) {
        c.send(part);
      }
      c.shutdownOutput();
      return c.readToEnd();
    }
  }

  /** A proxy that requires RFC 1929 and whose check accepts everyone, recording each attempt. */
  private Socks5ProxyServer startAcceptingEveryone() {
    return servers.start(servers.loopback().requireAuth(true).authenticator(attempt -> {
      attempts.add(attempt);
      return AuthVerdict.accept();
    }));
  }

  private static void assertOneFlightAnswered(byte[] got, String why) {
    assertThat(Arrays.copyOfRange(got, 0, 4)).as(why).containsExactly(5, 2, 1, 0);
    assertThat(Arrays.copyOfRange(got, 4, 12)).as(why).containsExactly(5, 0, 0, 1, 127, 0, 0, 2);
    assertThat(Arrays.copyOfRange(got, 14, 22)).as(why).containsExactly(5, 0, 0, 1, 127, 0, 0, 2);
    assertThat(Arrays.copyOfRange(got, 24, got.length)).as(why).isEqualTo(EARLY);
  }

  @ParameterizedTest(name = "{0}-byte writes")
  @ValueSource(ints = {1, 2, 3, 7})
  void aOneFlightHandshakeWrittenInSmallPiecesIsAnsweredInOrderAndRelayed(int piece) throws Exception {
    servers.echo("127.0.0.1", 1);
    servers.start(servers.loopback().credentials(ALICE).requireAuth(true));
    byte[] all = oneFlight();
    List<byte[]> parts = new java.util.ArrayList<>();
    for (int at = 0; at < all.length; at += piece) {
      parts.add(Arrays.copyOfRange(all, at, Math.min(all.length, at + piece)));
    }
    assertOneFlightAnswered(exchange(parts), piece + "-byte writes");
    assertThat(servers.failed("protocol_error")).isZero();
    assertThat(count(registry, ProxyMetrics.COMPLETED)).isEqualTo(1);
  }

  @Test
  void aOneFlightHandshakeSplitInTwoAtEveryByteIsAnsweredInOrderAndRelayed() throws Exception {
    servers.echo("127.0.0.1", 1);
    Socks5ProxyServer proxy =
        servers.start(servers.loopback().credentials(ALICE).requireAuth(true));
    byte[] all = oneFlight();
    for (int split = 1; split < all.length; split++) {
      byte[] got = exchange(List.of(Arrays.copyOfRange(all, 0, split),
          Arrays.copyOfRange(all, split, all.length)));
      assertOneFlightAnswered(got, "split at byte " + split);
    }
    proxy.close();
    assertThat(count(registry, ProxyMetrics.COMPLETED)).isEqualTo(all.length - 1);
  }

  @ParameterizedTest(name = "name of {0} bytes, command {1}")
  @CsvSource({"0, 1", "1, 1", "255, 1", "0, 2", "255, 2"})
  void aDomainNameOfAnyLengthIsAnswered01AndNeverResolved(int length, int command) throws Exception {
    EchoServer echo = servers.echo("127.0.0.1", 0);
    Socks5ProxyServer proxy = servers.start(servers.loopback());
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      assertThat(c.greet(0)).containsExactly(5, 0);
      c.send(RawSocksClient.domainRequest(command, "x".repeat(length), echo.address().getPort()));

      assertThat(c.readReply()).containsExactly(failure(1));
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(servers.failed("domain_not_supported")).isEqualTo(1);
    assertThat(echo.peers()).isEmpty();
  }

  @ParameterizedTest(name = "ULEN {0}, PLEN {1}")
  @CsvSource({"0, 0", "0, 255", "255, 0", "255, 255", "1, 1"})
  void usernamesAndPasswordsOfEveryLengthReachTheCheckWhole(int userLength, int passwordLength)
      throws Exception {
    Socks5ProxyServer proxy = startAcceptingEveryone();
    String user = text('a', userLength);
    String password = text('A', passwordLength);
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      // Greeting and RFC 1929 request in one write, then a lock-step BIND.
      ByteArrayOutputStream first = new ByteArrayOutputStream();
      first.writeBytes(new byte[] {5, 1, 2});
      first.writeBytes(RawSocksClient.authBytes(user.getBytes(StandardCharsets.US_ASCII),
          password.getBytes(StandardCharsets.US_ASCII)));
      c.send(first.toByteArray());
      assertThat(c.read(4)).containsExactly(5, 2, 1, 0);
      assertThat(c.bind("127.0.0.2", 0)[1]).isEqualTo((byte) 0);
    }
    assertThat(attempts).hasSize(1);
    assertThat(attempts.get(0).username()).isEqualTo(user);
    assertThat(attempts.get(0).password()).isEqualTo(password);
  }

  /** {@code length} characters cycling through the 26 letters from {@code first}. */
  private static String text(char first, int length) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      s.append((char) (first + i % 26));
    }
    return s.toString();
  }

  @Test
  void aUtf8UsernameAndPasswordReachTheCheckAsTextAsKumoProxyReadsThem() throws Exception {
    Socks5ProxyServer proxy = startAcceptingEveryone();
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      assertThat(c.greet(2)).containsExactly(5, 2);
      c.send(RawSocksClient.authBytes("jürgen".getBytes(StandardCharsets.UTF_8), "pässwörd€".getBytes(StandardCharsets.UTF_8)));
      assertThat(c.read(2)).containsExactly(1, 0);
    }
    assertThat(attempts.get(0).username()).isEqualTo("jürgen");
    assertThat(attempts.get(0).password()).isEqualTo("pässwörd€");
  }

  @Test
  void aPasswordThatIsNotUtf8IsClosedWithoutAReplyOrACheck() throws Exception {
    Socks5ProxyServer proxy = startAcceptingEveryone();
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      assertThat(c.greet(2)).containsExactly(5, 2);
      c.send(RawSocksClient.authBytes("alice".getBytes(StandardCharsets.US_ASCII), new byte[] {'p', (byte) 0xC3}));
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(servers.failed("protocol_error")).isEqualTo(1);
    assertThat(attempts).isEmpty();
  }

  @Test
  void aWrongVersionIsRefusedAtItsFirstByteInEveryStep() throws Exception {
    // The timeouts are far longer than the client's read timeout: each close comes from the
    // version byte alone, not from a timer.
    ProxyTimeouts timeouts = ProxyTimeouts.defaults().withGreeting(Duration.ofMinutes(1))
        .withAuth(Duration.ofMinutes(1)).withRequest(Duration.ofMinutes(1));
    Socks5ProxyServer proxy =
        servers.start(servers.loopback().credentials(ALICE).timeouts(timeouts));
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      c.send(new byte[] {4}); // SOCKS4
      assertThat(c.closedByServer()).as("greeting").isTrue();
    }
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      assertThat(c.greet(2)).containsExactly(5, 2);
      c.send(new byte[] {5}); // RFC 1929 wants 01
      assertThat(c.closedByServer()).as("RFC 1929").isTrue();
    }
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      assertThat(c.greet(0)).containsExactly(5, 0);
      c.send(new byte[] {4});
      assertThat(c.closedByServer()).as("request").isTrue();
    }
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      // A pipelined request with the wrong version after a good BIND: the BIND is answered.
      assertThat(c.greet(0)).containsExactly(5, 0);
      byte[] bind = RawSocksClient.request(2, InetAddress.getByName("127.0.0.2"), 0);
      byte[] both = Arrays.copyOf(bind, bind.length + 1);
      both[bind.length] = 6;
      c.send(both);
      assertThat(c.readReply()[1]).isEqualTo((byte) 0);
      assertThat(c.closedByServer()).as("second request").isTrue();
    }
    assertThat(servers.failed("protocol_error")).isEqualTo(4);
  }

  @ParameterizedTest(name = "ATYP {0}")
  @ValueSource(ints = {0, 2, 5, 0xFF})
  void anUnknownAddressTypeIsAnswered08AtItsFourthByte(int type) throws Exception {
    Socks5ProxyServer proxy = servers.start(servers.loopback());
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      assertThat(c.greet(0)).containsExactly(5, 0);
      c.send(new byte[] {5, 1, 0, (byte) type}); // nothing after the type: no length to wait for
      assertThat(c.readReply()).containsExactly(failure(8));
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(servers.failed("address_type_not_supported")).isEqualTo(1);
  }

  @Test
  void aGreetingWithManyMethodsIsReadWholeAndTheRightOneIsPicked() throws Exception {
    Socks5ProxyServer proxy = servers.start(servers.loopback());
    byte[] greeting = new byte[2 + 255];
    greeting[0] = 5;
    greeting[1] = (byte) 255;
    for (int i = 0; i < 255; i++) {
      greeting[2 + i] = (byte) (i + 1); // 01..FF: 00 comes last
    }
    greeting[2 + 254] = 0;
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      c.send(greeting);
      assertThat(c.read(2)).containsExactly(5, 2); // 02 offered: authenticated, as KumoProxy does
      c.send(RawSocksClient.authBytes("alice", "s3cret"));
      assertThat(c.read(2)).containsExactly(1, 1); // no users: refused
    }
  }

  @Test
  void theReservedByteOfARequestIsIgnoredAsKumoProxyDoes() throws Exception {
    Socks5ProxyServer proxy = servers.start(servers.loopback());
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      assertThat(c.greet(0)).containsExactly(5, 0);
      byte[] bind = RawSocksClient.request(2, InetAddress.getByName("127.0.0.2"), 0);
      bind[2] = 7;
      c.send(bind);
      assertThat(c.readReply()[1]).isEqualTo((byte) 0);
    }
  }
}
