package dev.egresskit.interop;

import static dev.egresskit.interop.Ips.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The HAProxy half of the harness, checked with PROXY v2 headers that Netty encodes and a plain
 * socket sends: the configuration (both frontends and the reject guards) behaves as the
 * EgressKit tests assume, before EgressKit is involved at all.
 */
@ExtendWith(PeerExtension.class)
class HaproxyHarnessIT {
  private static final List<String> LOOPBACK_ONLY = List.of("127.0.0.0/8", "::1");

  @Test
  void theFixedBackendLogsTheHeaderSourceWithPortZeroAndForwardsToTheSink(Peers peers)
      throws IOException {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    HaproxyPeer haproxy = peers.haproxy(Ips.LOOPBACK_V4, sink.address(), LOOPBACK_ONLY);

    sendThroughHaproxy(haproxy.fixedFrontend(),
        new InetSocketAddress(ip("10.0.0.1"), 0), sink.address(), "fixed.harness.example");

    HaproxyLogLine line = haproxy.awaitSessionFrom("10.0.0.1:0");
    assertThat(line.server()).isEqualTo("127.0.0.1:" + sink.address().getPort());
    assertThat(line.term()).isEqualTo("--");
    // The fixed backend dials from HAProxy's own address, not from the header's source.
    assertThat(sink.awaitSessionWithEhlo("fixed.harness.example").clientAddress())
        .isEqualTo("127.0.0.1");
  }

  @Test
  void usesrcDialsTheHeaderDestinationFromTheHeaderSource(Peers peers) throws IOException {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    HaproxyPeer haproxy = peers.haproxy(Ips.LOOPBACK_V4, sink.address(), LOOPBACK_ONLY);

    sendThroughHaproxy(haproxy.usesrcFrontend(),
        new InetSocketAddress(ip("127.0.0.9"), 0), sink.address(), "usesrc.harness.example");

    assertThat(sink.awaitSessionWithEhlo("usesrc.harness.example").clientAddress())
        .isEqualTo("127.0.0.9");
    HaproxyLogLine line = haproxy.awaitSessionFrom("127.0.0.9:0");
    assertThat(line.ppDst()).isEqualTo("127.0.0.1:" + sink.address().getPort());
    assertThat(line.outSrc()).startsWith("127.0.0.9:");
  }

  @Test
  void usesrcWorksForAnIpv6HeaderToAnIpv6Sink(Peers peers) throws IOException {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V6);
    HaproxyPeer haproxy = peers.haproxy(Ips.LOOPBACK_V4, sink.address(), LOOPBACK_ONLY);

    sendThroughHaproxy(haproxy.usesrcFrontend(),
        new InetSocketAddress(Ips.LOOPBACK_V6, 0), sink.address(), "six.usesrc.example");

    SinkSession session = sink.awaitSessionWithEhlo("six.usesrc.example");
    assertThat(session.family()).isEqualTo("AF_INET6");
    assertThat(ip(session.clientAddress())).isEqualTo(Ips.LOOPBACK_V6);
  }

  @Test
  void aHeaderWhoseSourceIsOutsideTheAllowedNetworksIsRejectedWithoutDialling(Peers peers)
      throws IOException {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    HaproxyPeer haproxy = peers.haproxy(Ips.LOOPBACK_V4, sink.address(), LOOPBACK_ONLY);
    int sessionsBefore = sink.sessions().size();

    try (Socket socket = new Socket()) {
      socket.setSoTimeout(5000);
      socket.connect(haproxy.usesrcFrontend(), 5000);
      socket.getOutputStream().write(ProxyHeaders.v2(
          new InetSocketAddress(ip("10.0.0.1"), 0), sink.address()));
      InputStream in = socket.getInputStream();
      // The guard closes the connection: no banner, just end of stream.
      assertThat(in.read()).isEqualTo(-1);
    }

    assertThat(sink.sessions()).hasSize(sessionsBefore);
    assertThat(haproxy.sessions()).noneMatch(line -> line.ppSrc().startsWith("10.0.0.1:")
        && line.term().equals("--"));
  }

  /** Connects to {@code frontend}, sends the header, then runs an SMTP session through it. */
  private static void sendThroughHaproxy(InetSocketAddress frontend, InetSocketAddress source,
      InetSocketAddress destination, String ehlo) throws IOException {
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(5000);
      socket.connect(frontend, 5000);
      socket.getOutputStream().write(ProxyHeaders.v2(source, destination));
      PlainSmtpClient.dialogue(socket, ehlo);
    }
  }
}
