package dev.egresskit.proxy;

import static dev.egresskit.proxy.TestProxies.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that sends greeting, RFC 1929 authentication, BIND, CONNECT (and early data) in ONE
 * write is answered step by step, in order; a refusal at any step is that step's refusal and
 * ends the connection, with nothing answered for the steps after it.
 */
class PipelinedHandshakeTest {

  private static final byte[] GREETING_PASSWORD = {5, 1, 2};
  private static final byte[] GREETING_NO_AUTH = {5, 1, 0};

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  @RegisterExtension final ProxyFixture servers = new ProxyFixture(registry);

  private Socks5ProxyServer.Builder server() {
    return servers.loopback().credentials(ALICE).requireAuth(true);
  }

  /** Sends everything in one write, half-closes, and returns every byte the proxy answered. */
  private byte[] oneWrite(Socks5ProxyServer.Builder builder, byte[] greeting, String password,
      int destinationPort, byte[] early) throws Exception {
    Socks5ProxyServer proxy = servers.start(builder);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.write(greeting);
    all.write(RawSocksClient.authBytes("alice", password));
    all.write(RawSocksClient.request(2, InetAddress.getByName("127.0.0.2"), 0));
    all.write(RawSocksClient.request(1, InetAddress.getByName("127.0.0.1"), destinationPort));
    all.write(early);
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      c.send(all.toByteArray());
      c.shutdownOutput();
      return c.readToEnd();
    }
  }

  @Test
  void everyStepInOneWriteIsAnsweredInOrderAndTheEarlyDataIsRelayed() throws Exception {
    EchoServer echo = servers.echo("127.0.0.1", 1);
    byte[] early = "EHLO pipelined\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] got = oneWrite(server(), GREETING_PASSWORD, "s3cret", echo.address().getPort(), early);

    assertThat(Arrays.copyOfRange(got, 0, 4)).containsExactly(5, 2, 1, 0);
    byte[] bindReply = Arrays.copyOfRange(got, 4, 14);
    assertThat(Arrays.copyOfRange(bindReply, 0, 8)).containsExactly(5, 0, 0, 1, 127, 0, 0, 2);
    byte[] connectReply = Arrays.copyOfRange(got, 14, 24);
    assertThat(Arrays.copyOfRange(connectReply, 0, 8)).containsExactly(5, 0, 0, 1, 127, 0, 0, 2);
    assertThat(Arrays.copyOfRange(connectReply, 8, 10)).isEqualTo(Arrays.copyOfRange(bindReply, 8, 10));
    assertThat(Arrays.copyOfRange(got, 24, got.length)).isEqualTo(early);
    assertThat(echo.awaitPeers(1, java.time.Duration.ofSeconds(5)).get(0).getAddress())
        .isEqualTo(InetAddress.getByName("127.0.0.2"));
  }

  @Test
  void aPipelinedBindAndConnectAreAnsweredInOneSegment() throws Exception {
    // One segment, one wake-up of the client: the BIND reply must not leave before the CONNECT
    // is dialled (it did, alone, when the BIND was answered before the CONNECT was read).
    EchoServer echo = servers.echo("127.0.0.1", 1);
    Socks5ProxyServer proxy = servers.start(servers.loopback());
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.write(GREETING_NO_AUTH);
    all.write(RawSocksClient.request(2, InetAddress.getByName("127.0.0.2"), 0));
    all.write(RawSocksClient.request(1, InetAddress.getByName("127.0.0.1"),
        echo.address().getPort()));
    for (int round = 0; round < 20; round++) {
      try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
        c.send(all.toByteArray());
        byte[] first = c.readOnce();
        assertThat(first).as("round %d: the first read holds all three replies", round)
            .hasSize(2 + 10 + 10);
        assertThat(Arrays.copyOfRange(first, 0, 2)).containsExactly(5, 0);
        assertThat(first[2 + 1]).as("BIND status").isEqualTo((byte) 0);
        assertThat(first[12 + 1]).as("CONNECT status").isEqualTo((byte) 0);
      }
    }
  }

  @Test
  void aRefusedMethodIsAnsweredFfAndNothingAfterIt() throws Exception {
    byte[] got = oneWrite(server(), GREETING_NO_AUTH, "s3cret", 25, new byte[] {'x'});
    assertThat(got).containsExactly(5, 0xFF);
    assertThat(servers.failed("no_acceptable_method")).isEqualTo(1);
  }

  @Test
  void aRefusedPasswordIsAnswered0101AndNothingAfterIt() throws Exception {
    byte[] got = oneWrite(server(), GREETING_PASSWORD, "wrong", 25, new byte[] {'x'});
    assertThat(got).containsExactly(5, 2, 1, 1);
    assertThat(servers.failed("auth_failed")).isEqualTo(1);
  }

  @Test
  void aRefusedBindIsAnswered02AfterTheAcceptedStepsAndNothingAfterIt() throws Exception {
    byte[] got = oneWrite(server().allowSources(List.of("127.0.0.3/32")), GREETING_PASSWORD,
        "s3cret", 25, new byte[] {'x'});
    assertThat(got).containsExactly(5, 2, 1, 0, 5, 2, 0, 1, 0, 0, 0, 0, 0, 0);
    assertThat(servers.failed("source_not_allowed")).isEqualTo(1);
  }

  @Test
  void aRefusedConnectIsAnswered02AfterTheBindReplyAndNothingAfterIt() throws Exception {
    byte[] got = oneWrite(server().allowDestinationPorts(Set.of(587)), GREETING_PASSWORD,
        "s3cret", 25, new byte[] {'x'});
    assertThat(got).hasSize(24);
    assertThat(Arrays.copyOfRange(got, 0, 12)).containsExactly(5, 2, 1, 0, 5, 0, 0, 1, 127, 0, 0, 2);
    assertThat(Arrays.copyOfRange(got, 14, 24)).containsExactly(5, 2, 0, 1, 0, 0, 0, 0, 0, 0);
    assertThat(servers.failed("port_not_allowed")).isEqualTo(1);
  }

  @Test
  void aRefusedLocalDestinationIsAnswered02AfterTheBindReply() throws Exception {
    byte[] got = oneWrite(server().localDestinations(false), GREETING_PASSWORD, "s3cret", 25,
        new byte[] {'x'});
    assertThat(Arrays.copyOfRange(got, 14, got.length)).containsExactly(5, 2, 0, 1, 0, 0, 0, 0, 0, 0);
    assertThat(servers.failed("destination_not_allowed")).isEqualTo(1);
  }
}
