package dev.egresskit.interop;

import static dev.egresskit.interop.Ips.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.transport.EgressConnectException;
import dev.egresskit.transport.ProbeResult;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * EgressKit's HAProxy route against a real HAProxy 2.6 ({@code accept-proxy}) and smtp-sink on
 * loopback: the whole KumoMTA deployment with {@code usesrc clientip}, and the fixed-backend
 * form that only records the header.
 */
@ExtendWith(PeerExtension.class)
class HaproxyRouteIT {
  private static final List<String> LOOPBACK_ONLY = List.of("127.0.0.0/8", "::1");

  @Test
  void throughUsesrcTheSinkSeesTheHaProxySourceAddress(Peers peers) throws Exception {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    HaproxyPeer haproxy = peers.haproxy(Ips.LOOPBACK_V4, sink.address(), LOOPBACK_ONLY);
    EgressProbe egress = peers.closeAtEnd(new EgressProbe());

    ProbeResult result = egress.run(Sources.source("ha-6",
        "ha_proxy_server", HaproxyPeer.literal(haproxy.usesrcFrontend()),
        "ha_proxy_source_address", "127.0.0.6",
        "ehlo_domain", "usesrc.interop.example"), sink.address());

    assertThat(sink.awaitSessionWithEhlo("usesrc.interop.example").clientAddress())
        .isEqualTo("127.0.0.6");
    assertThat(sink.process().logText()).contains("connect (AF_INET 127.0.0.6)");
    HaproxyLogLine line = haproxy.awaitSessionFrom("127.0.0.6:0");
    assertThat(line.ppDst()).isEqualTo("127.0.0.1:" + sink.address().getPort());
    assertThat(line.outSrc()).startsWith("127.0.0.6:");
    assertThat(line.term()).isEqualTo("--");
    assertThat(result.protocol()).isEqualTo("haproxy");
    assertThat(result.reportedSource().address())
        .isEqualTo(new InetSocketAddress(ip("127.0.0.6"), 0));
  }

  @Test
  void theFixedBackendLogsTheHeaderSourceWithPortZero(Peers peers) throws Exception {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    HaproxyPeer haproxy = peers.haproxy(Ips.LOOPBACK_V4, sink.address(), LOOPBACK_ONLY);
    EgressProbe egress = peers.closeAtEnd(new EgressProbe());

    // fe_fixed never dials the header's source: 10.0.0.1 is only written into the header.
    egress.run(Sources.source("ha-fixed",
        "ha_proxy_server", HaproxyPeer.literal(haproxy.fixedFrontend()),
        "ha_proxy_source_address", "10.0.0.1",
        "ehlo_domain", "fixed.interop.example"), sink.address());

    HaproxyLogLine line = haproxy.awaitSessionFrom("10.0.0.1:0");
    assertThat(haproxy.process().logText()).contains("pp_src=10.0.0.1:0");
    assertThat(line.ppDst()).isEqualTo("127.0.0.1:" + sink.address().getPort());
    assertThat(line.server()).isEqualTo("127.0.0.1:" + sink.address().getPort());
    assertThat(sink.awaitSessionWithEhlo("fixed.interop.example").clientAddress())
        .isEqualTo("127.0.0.1");
  }

  @Test
  void sourceAddressOnlyChoosesHowHaproxyIsReachedNotWhatTheSinkSees(Peers peers)
      throws Exception {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    HaproxyPeer haproxy = peers.haproxy(Ips.LOOPBACK_V4, sink.address(), LOOPBACK_ONLY);
    EgressProbe egress = peers.closeAtEnd(new EgressProbe());

    ProbeResult result = egress.run(Sources.source("ha-bound",
        "source_address", "127.0.0.3",
        "ha_proxy_server", HaproxyPeer.literal(haproxy.usesrcFrontend()),
        "ha_proxy_source_address", "127.0.0.8",
        "ehlo_domain", "bound.interop.example"), sink.address());

    assertThat(result.localAddress().getAddress()).isEqualTo(ip("127.0.0.3"));
    assertThat(sink.awaitSessionWithEhlo("bound.interop.example").clientAddress())
        .isEqualTo("127.0.0.8");
  }

  @Test
  void anIpv6HeaderSourceReachesAnIpv6SinkThroughUsesrc(Peers peers) throws Exception {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V6);
    HaproxyPeer haproxy = peers.haproxy(Ips.LOOPBACK_V4, sink.address(), LOOPBACK_ONLY);
    EgressProbe egress = peers.closeAtEnd(new EgressProbe());

    egress.run(Sources.source("ha-v6",
        "ha_proxy_server", HaproxyPeer.literal(haproxy.usesrcFrontend()),
        "ha_proxy_source_address", "::1",
        "ehlo_domain", "six.usesrc.interop.example"), sink.address());

    SinkSession session = sink.awaitSessionWithEhlo("six.usesrc.interop.example");
    assertThat(session.family()).isEqualTo("AF_INET6");
    assertThat(ip(session.clientAddress())).isEqualTo(Ips.LOOPBACK_V6);
    assertThat(haproxy.awaitSessionFrom("::1:0").ppDst())
        .isEqualTo("::1:" + sink.address().getPort());
  }

  @Test
  void anIpv6HeaderSourceWithAnIpv4DestinationFailsBeforeReachingHaproxy(Peers peers) {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    HaproxyPeer haproxy = peers.haproxy(Ips.LOOPBACK_V4, sink.address(), LOOPBACK_ONLY);
    EgressProbe egress = peers.closeAtEnd(new EgressProbe());
    int sinkSessions = sink.sessions().size();

    EgressConnectException failure = egress.failure(Sources.source("ha-mismatch",
        "ha_proxy_server", HaproxyPeer.literal(haproxy.usesrcFrontend()),
        "ha_proxy_source_address", "::1",
        "ehlo_domain", "mismatch.interop.example"), sink.address());

    assertThat(failure.kind()).isEqualTo(FailureKind.FAMILY_MISMATCH);
    assertThat(failure.reason()).isEqualTo("Skipping ha-mismatch because ha_proxy_source_address"
        + " ::1 address family does not match the destination address family 127.0.0.1:"
        + sink.address().getPort());
    assertThat(haproxy.sessions()).isEmpty();
    assertThat(sink.sessions()).hasSize(sinkSessions);
  }
}
