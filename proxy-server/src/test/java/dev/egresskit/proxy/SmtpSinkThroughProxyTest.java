package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * KumoMTA's SOCKS5 path end to end on loopback: BIND the source, CONNECT to an SMTP server, and
 * the server sees the requested source as its peer.
 */
class SmtpSinkThroughProxyTest {

  @Test
  void theSinkSeesTheSourceAddressTheClientBound() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().build().start();
        Socks5ProxyServer proxy = TestProxies.loopback(new SimpleMeterRegistry()).build().start();
        RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      assertThat(c.greet(0)).containsExactly(5, 0);
      InetSocketAddress bound = RawSocksClient.addressOf(c.bind("127.0.0.5", 0));
      byte[] connected = c.connectTo(sink.address());
      assertThat(connected[1]).isEqualTo((byte) 0);

      assertThat(c.readLine()).startsWith("220 ");
      c.send("EHLO x\r\n".getBytes(StandardCharsets.US_ASCII));
      String line;
      do {
        line = c.readLine();
        assertThat(line).startsWith("250");
      } while (line.startsWith("250-"));
      c.send("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(c.readLine()).startsWith("221");

      List<SinkSession> sessions = sink.awaitSessions(1, Duration.ofSeconds(10));
      assertThat(sessions).hasSize(1);
      SinkSession session = sessions.get(0);
      assertThat(session.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.5");
      assertThat(session.peer()).isEqualTo(bound);
      assertThat(session.peer()).isEqualTo(RawSocksClient.addressOf(connected));
      assertThat(session.ehlo()).contains("x");
    }
  }
}
