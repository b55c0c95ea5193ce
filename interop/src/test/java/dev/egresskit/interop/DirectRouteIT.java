package dev.egresskit.interop;

import static dev.egresskit.interop.Ips.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.transport.EgressConnectException;
import dev.egresskit.transport.ProbeResult;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** EgressKit's direct route against postfix's smtp-sink on loopback. */
@ExtendWith(PeerExtension.class)
class DirectRouteIT {

  @Test
  void theSinkSeesTheSourceAddressAndTheEhloDomain(Peers peers) throws Exception {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    EgressProbe egress = peers.closeAtEnd(new EgressProbe());
    EgressSource source = Sources.source("ip-4",
        "source_address", "127.0.0.4", "ehlo_domain", "direct.interop.example");

    ProbeResult result = egress.run(source, sink.address());

    assertThat(sink.process().logText())
        .contains("connect (AF_INET 127.0.0.4)")
        .contains("EHLO direct.interop.example");
    SinkSession session = sink.awaitSessionWithEhlo("direct.interop.example");
    assertThat(session.clientAddress()).isEqualTo("127.0.0.4");
    assertThat(session.commands()).containsExactly("EHLO direct.interop.example", "QUIT");
    assertThat(result.reportedSource().address().getAddress()).isEqualTo(ip("127.0.0.4"));
    assertThat(result.protocol()).isEqualTo("direct");
    assertThat(result.banner()).containsExactly("220 smtp-sink ESMTP");
    assertThat(result.extensions()).contains("PIPELINING", "8BITMIME");
  }

  @Test
  void eachSourceIsSeenWithItsOwnAddress(Peers peers) throws Exception {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    EgressProbe egress = peers.closeAtEnd(new EgressProbe());

    for (int n = 2; n <= 9; n++) {
      egress.run(Sources.source("ip-" + n, "source_address", "127.0.0." + n,
          "ehlo_domain", "mta" + n + ".interop.example"), sink.address());
    }

    for (int n = 2; n <= 9; n++) {
      assertThat(sink.awaitSessionWithEhlo("mta" + n + ".interop.example").clientAddress())
          .isEqualTo("127.0.0." + n);
    }
  }

  @Test
  void remotePortOverridesTheDestinationPort(Peers peers) throws Exception {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    EgressProbe egress = peers.closeAtEnd(new EgressProbe());
    EgressSource source = Sources.source(Map.of("name", "ported",
        "source_address", "127.0.0.3", "ehlo_domain", "port.interop.example",
        "remote_port", (long) sink.address().getPort()));

    // Port 25 on loopback has no listener here; remote_port sends the probe to the sink.
    ProbeResult result = egress.run(source, new InetSocketAddress(Ips.LOOPBACK_V4, 25));

    assertThat(result.destination().getPort()).isEqualTo(sink.address().getPort());
    assertThat(sink.awaitSessionWithEhlo("port.interop.example").clientAddress())
        .isEqualTo("127.0.0.3");
  }

  @Test
  void theIpv6LoopbackSourceReachesAnIpv6Sink(Peers peers) throws Exception {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V6);
    EgressProbe egress = peers.closeAtEnd(new EgressProbe());

    egress.run(Sources.source("v6", "source_address", "::1",
        "ehlo_domain", "six.interop.example"), sink.address());

    SinkSession session = sink.awaitSessionWithEhlo("six.interop.example");
    assertThat(session.family()).isEqualTo("AF_INET6");
    assertThat(ip(session.clientAddress())).isEqualTo(Ips.LOOPBACK_V6);
  }

  @Test
  void anAddressThisHostDoesNotHaveIsUnplumbedAndNothingReachesTheSink(Peers peers) {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V6);
    EgressProbe egress = peers.closeAtEnd(new EgressProbe());
    int sessionsBefore = sink.sessions().size();

    // ::2 is not configured on any interface: bind fails with EADDRNOTAVAIL before any packet.
    EgressConnectException failure = egress.failure(Sources.source("v6-unplumbed",
        "source_address", "::2", "ehlo_domain", "unplumbed.interop.example"), sink.address());

    assertThat(failure.kind()).isEqualTo(FailureKind.SOURCE_UNPLUMBED);
    assertThat(sink.sessions()).hasSize(sessionsBefore);
  }
}
