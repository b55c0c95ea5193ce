package dev.egresskit.transport;

import static dev.egresskit.transport.testing.Sources.ip;
import static dev.egresskit.transport.testing.Sources.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Route;
import dev.egresskit.sink.ProxyHeader;
import dev.egresskit.sink.ProxyProtocolMode;
import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import dev.egresskit.transport.spi.SourceAddressInfo;
import dev.egresskit.transport.testing.Await;
import dev.egresskit.transport.testing.HaProxyReceiver;
import dev.egresskit.transport.testing.RecordingHealth;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HAProxy route on loopback: the header as a real decoder reads it, and a full probe. */
class HaProxyConnectTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final RecordingHealth health = new RecordingHealth();
  private final EgressConnector connector =
      EgressConnector.builder().eventLoopThreads(1).health(health).build();

  @AfterEach
  void close() {
    connector.close();
  }

  private static Route.HaProxy route(InetSocketAddress proxy, String headerSource, String bind) {
    return new Route.HaProxy(new ProxyServer.IpLiteral(proxy.getAddress(), proxy.getPort()),
        ip(headerSource), Optional.ofNullable(bind).map(b -> ip(b)));
  }

  @Test
  void nettyDecoderReadsTheHeaderSourceWithPortZeroAndTheDestination() throws Exception {
    try (HaProxyReceiver receiver = new HaProxyReceiver()) {
      InetSocketAddress destination = new InetSocketAddress(ip("192.0.2.25"), 25);
      EgressConnection c = Await.result(connector.connect(
          source("ha-1", route(receiver.address(), "10.0.0.1", "127.0.0.6")), destination,
          TIMEOUT));
      HaProxyReceiver.Header header = Await.result(receiver.firstHeader());
      assertThat(header).isEqualTo(new HaProxyReceiver.Header(
          "V2", "PROXY", "TCP4", "10.0.0.1", 0, "192.0.2.25", 25));
      assertThat(c.reportedSource()).isEqualTo(new SourceAddressInfo(
          new InetSocketAddress(ip("10.0.0.1"), 0), "haproxy", Optional.of(receiver.address())));
      assertThat(c.localAddress().getAddress()).as("bound to source_address")
          .isEqualTo(ip("127.0.0.6"));
      c.close();
    }
  }

  @Test
  void probeThroughAProxyAwareSinkPresentsTheHeaderSource() {
    // A generous header wait: a cold JVM may take longer than the default 200 ms to load the
    // encoder classes before the first header goes out.
    try (SmtpSink sink = SmtpSink.builder().proxyProtocol(ProxyProtocolMode.REQUIRED)
        .proxyHeaderWait(TIMEOUT).build().start()) {
      SmtpProbe probe = SmtpProbe.create(connector);
      ProbeResult result = Await.result(probe.probe(
          source("ha-2", route(sink.address(), "127.0.0.9", "127.0.0.8")),
          new InetSocketAddress(ip("127.0.0.1"), 2525), Optional.of("mta.ha.test"), TIMEOUT));
      SinkSession session = sink.awaitSessions(1, TIMEOUT).get(0);
      assertThat(session.proxyHeader()).map(ProxyHeader::source)
          .contains(new InetSocketAddress(ip("127.0.0.9"), 0));
      assertThat(session.proxyHeader()).map(ProxyHeader::destination)
          .contains(new InetSocketAddress(ip("127.0.0.1"), 2525));
      assertThat(session.peer().getAddress()).isEqualTo(ip("127.0.0.8"));
      assertThat(session.ehlo()).contains("mta.ha.test");
      assertThat(result.protocol()).isEqualTo("haproxy");
      assertThat(result.proxyCandidate()).contains(sink.address());
      assertThat(result.reportedSource().address())
          .isEqualTo(new InetSocketAddress(ip("127.0.0.9"), 0));
    }
  }

  @Test
  void unreachableProxyIsProxyUnreachableAndCountsForHealth() throws IOException {
    InetSocketAddress closed = DirectConnectTest.closedPort();
    EgressConnectException e = (EgressConnectException) Await.failure(connector.connect(
        source("ha-3", route(closed, "10.0.0.1", null)),
        new InetSocketAddress(ip("192.0.2.25"), 25), TIMEOUT));
    assertThat(e.kind()).isEqualTo(FailureKind.PROXY_UNREACHABLE);
    assertThat(e.getMessage()).startsWith("haproxy, 127.0.0.1:" + closed.getPort()
        + " => 192.0.2.25:25: failed to connect to 127.0.0.1:" + closed.getPort());
    assertThat(health.recorded()).containsExactly("ha-3:PROXY_UNREACHABLE");
    assertThat(FailureKind.PROXY_UNREACHABLE.healthEvent()).isPresent();
  }

  @Test
  void familyMismatchFailsBeforeConnectingAndRaisesNoHealthEvent() throws Exception {
    try (HaProxyReceiver receiver = new HaProxyReceiver()) {
      EgressConnectException e = (EgressConnectException) Await.failure(connector.connect(
          source("ha-4", route(receiver.address(), "10.0.0.1", null)),
          new InetSocketAddress(InetAddress.getByName("2001:db8::25"), 25), TIMEOUT));
      assertThat(e.kind()).isEqualTo(FailureKind.FAMILY_MISMATCH);
      assertThat(e.kind().healthEvent()).isEmpty();
      assertThat(e.reason()).isEqualTo("Skipping ha-4 because ha_proxy_source_address 10.0.0.1 "
          + "address family does not match the destination address family [2001:db8::25]:25");
      assertThat(receiver.firstHeader()).isNotDone();
    }
  }
}
