package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.policy.TcpKeepalive;
import dev.egresskit.proxy.ProcessSockets.Options;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.epoll.Epoll;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The socket options both legs of a relay really have, read back from the kernel: an accepted
 * socket gets {@code TCP_NODELAY} and the keep-alive settings by inheriting them from the
 * listening socket (nothing is set on it per connection), an outbound socket gets them set
 * one by one; plain {@code CONNECT} and KumoProxy's {@code BIND}+{@code CONNECT} alike.
 */
class SocketOptionsTest {

  private static final TcpKeepalive KEEPALIVE =
      new TcpKeepalive(true, Duration.ofMinutes(2), Duration.ofSeconds(15), 4);

  @BeforeAll
  static void epoll() {
    assertThat(Epoll.isAvailable()).as("epoll available (%s)", Epoll.unavailabilityCause()).isTrue();
  }

  @Test
  void bothLegsHaveNoDelayAndTheConfiguredKeepaliveTheAcceptedOneByInheritance() throws Exception {
    assertThat(SocketBackend.select(true, KEEPALIVE).childKeepAlive())
        .as("accepted sockets are given nothing of their own").isFalse();
    Options expected = new Options(1, 1, 120, 15, 4);
    try (EchoServer echo = new EchoServer("127.0.0.1", 2);
        Socks5ProxyServer proxy = TestProxies.loopback(new SimpleMeterRegistry())
            .tcpKeepalive(KEEPALIVE).build().start()) {
      assertThat(proxy.transport()).isEqualTo("epoll");
      for (boolean bind : new boolean[] {false, true}) {
        try (RawSocksClient client = RawSocksClient.connect(proxy.address())) {
          Relay relay = relay(client, echo, bind);
          assertThat(relay.accepted()).as("accepted socket, bind=%s", bind).isEqualTo(expected);
          assertThat(relay.outbound()).as("outbound socket, bind=%s", bind).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void withKeepaliveOffNeitherLegHasIt() throws Exception {
    TcpKeepalive off = new TcpKeepalive(false, Duration.ofMinutes(2), Duration.ofSeconds(15), 4);
    try (EchoServer echo = new EchoServer("127.0.0.1", 1);
        Socks5ProxyServer proxy = TestProxies.loopback(new SimpleMeterRegistry())
            .tcpKeepalive(off).build().start();
        RawSocksClient client = RawSocksClient.connect(proxy.address())) {
      Relay relay = relay(client, echo, true);
      assertThat(relay.accepted().keepAlive()).isZero();
      assertThat(relay.accepted().noDelay()).isOne();
      assertThat(relay.outbound().keepAlive()).isZero();
      assertThat(relay.outbound().noDelay()).isOne();
    }
  }

  private record Relay(Options accepted, Options outbound) {}

  /** Dials the echo server through the proxy, checks bytes go both ways, reads both legs. */
  private static Relay relay(RawSocksClient client, EchoServer echo, boolean bind)
      throws Exception {
    assertThat(client.greet(0)).containsExactly(5, 0);
    if (bind) {
      assertThat(client.bind("127.0.0.1", 0)[1]).isZero();
    }
    byte[] reply = client.connectTo(echo.address());
    assertThat(reply[1]).isZero();
    InetSocketAddress outboundLocal = RawSocksClient.addressOf(reply);
    client.send("ping".getBytes(StandardCharsets.US_ASCII));
    assertThat(new String(client.read(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
    return new Relay(
        ProcessSockets.options(client.socket().getPort(), client.socket().getLocalPort()),
        ProcessSockets.options(outboundLocal.getPort(), echo.address().getPort()));
  }
}
