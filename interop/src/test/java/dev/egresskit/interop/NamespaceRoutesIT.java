package dev.egresskit.interop;

import static dev.egresskit.interop.NetnsLab.EGRESS_V4_A;
import static dev.egresskit.interop.NetnsLab.EGRESS_V4_B;
import static dev.egresskit.interop.NetnsLab.EGRESS_V4_PRIMARY;
import static dev.egresskit.interop.NetnsLab.EGRESS_V6_A;
import static dev.egresskit.interop.NetnsLab.EGRESS_V6_B;
import static dev.egresskit.interop.NetnsLab.UNPLUMBED_V4;
import static dev.egresskit.interop.NetnsLab.UNPLUMBED_V6;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.health.FailureKind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every route between two real hosts: EgressKit, the project's SOCKS5 proxy and HAProxy in the
 * egress namespace, smtp-sink in the sink namespace, joined only by a veth pair (see
 * {@link NetnsLab}).
 *
 * <p>EgressKit runs in a JVM started inside the egress namespace ({@link NamespaceJvm},
 * {@link NamespaceProbeMain}), so its sockets, the proxy's and HAProxy's live there: every
 * address the sink logs is one the egress namespace really owns on a real (non-loopback)
 * interface, and an address missing from that namespace is genuinely unplumbed.
 */
@ExtendWith(PeerExtension.class)
class NamespaceRoutesIT {
  private static final Set<InetAddress> EGRESS_ADDRESSES = Set.of(EGRESS_V4_PRIMARY,
      EGRESS_V4_A, EGRESS_V4_B, NetnsLab.EGRESS_V6_PRIMARY, EGRESS_V6_A, EGRESS_V6_B);

  private static NetnsLab lab;

  @BeforeAll
  static void createNamespaces() {
    lab = Namespaces.createOrSkip();
  }

  @AfterAll
  static void removeNamespaces() {
    if (lab != null) {
      lab.close();
    }
  }

  /** One probe: its source fields, where it goes, and the address the sink must see. */
  private record Expectation(String name, SmtpSinkPeer sink, String fields, InetAddress seen) {
    String arg() {
      return "probe=" + name + "|" + HaproxyPeer.literal(sink.address()) + "|" + fields
          + ";ehlo_domain=" + ehlo();
    }

    String ehlo() {
      return name + ".netns.example";
    }
  }

  @Test
  void everyRouteSendsFromARealNamespaceAddressAndTheSinkSeesIt(Peers peers) {
    SmtpSinkPeer sink4 = peers.smtpSink(lab.sinkPlace(), NetnsLab.SINK_V4);
    SmtpSinkPeer sink6 = peers.smtpSink(lab.sinkPlace(), NetnsLab.SINK_V6);
    HaproxyPeer haproxy = peers.haproxy(lab.egressPlace(), EGRESS_V4_PRIMARY, sink4.address(),
        NetnsLab.NETWORKS);
    String ha = HaproxyPeer.literal(haproxy.usesrcFrontend());
    InetSocketAddress proxy = new InetSocketAddress(EGRESS_V4_PRIMARY,
        lab.egressPlace().ports().freePort(EGRESS_V4_PRIMARY));
    String socks = HaproxyPeer.literal(proxy);
    // Every explicit source differs from the kernel's own choice, so an ignored source fails.
    assertThat(lab.kernelSourceToward(NetnsLab.SINK_V4)).isEqualTo(EGRESS_V4_PRIMARY);
    InetAddress kernelV6 = lab.kernelSourceToward(NetnsLab.SINK_V6);
    List<InetAddress> v6 = Stream.of(NetnsLab.EGRESS_V6_PRIMARY, EGRESS_V6_A, EGRESS_V6_B)
        .filter(a -> !a.equals(kernelV6)).toList();
    assertThat(v6).hasSize(2);
    String v6a = Ips.text(v6.get(0));
    String v6b = Ips.text(v6.get(1));
    List<Expectation> expectations = List.of(
        // No source_address: the kernel picks the namespace's primary address.
        new Expectation("direct-kernel", sink4, "", EGRESS_V4_PRIMARY),
        new Expectation("direct-v4", sink4, "source_address=10.200.0.3", EGRESS_V4_A),
        new Expectation("direct-v6", sink6, "source_address=" + v6a, v6.get(0)),
        new Expectation("haproxy-v4", sink4,
            "ha_proxy_server=" + ha + ";ha_proxy_source_address=10.200.0.4", EGRESS_V4_B),
        new Expectation("haproxy-v6", sink6,
            "ha_proxy_server=" + ha + ";ha_proxy_source_address=" + v6b, v6.get(1)),
        new Expectation("socks-bind-v4", sink4,
            "socks5_proxy_server=" + socks + ";socks5_proxy_source_address=10.200.0.4",
            EGRESS_V4_B),
        new Expectation("socks-bind-v6", sink6,
            "socks5_proxy_server=" + socks + ";socks5_proxy_source_address=" + v6a,
            v6.get(0)),
        // Plain CONNECT: EgressKit reaches the proxy from .3, the proxy dials from its own .2.
        new Expectation("socks-connect", sink4,
            "source_address=10.200.0.3;socks5_proxy_server=" + socks, EGRESS_V4_PRIMARY));

    List<String> args = new ArrayList<>(List.of("proxy=" + socks));
    expectations.forEach(e -> args.add(e.arg()));
    List<ResultLine> results = NamespaceJvm.run(peers, lab.egressPlace(), "egresskit-routes",
        NamespaceProbeMain.class, args);

    for (Expectation e : expectations) {
      ResultLine result = ResultLine.find(results, "name", e.name());
      assertThat(result.get("outcome")).as(e.name() + ": " + result).isEqualTo("ok");
      SinkSession session = e.sink().awaitSessionWithEhlo(e.ehlo());
      InetAddress seen = Ips.ip(session.clientAddress());
      assertThat(seen).as(e.name()).isEqualTo(e.seen());
      assertThat(seen.isLoopbackAddress()).as(e.name()).isFalse();
      assertThat(EGRESS_ADDRESSES).as(e.name()).contains(seen);
      assertThat(Ips.ip(result.get("reported"))).as(e.name() + " reported source")
          .isEqualTo(e.seen());
    }
    assertThat(Ips.ip(ResultLine.find(results, "name", "socks-connect").get("local")))
        .isEqualTo(EGRESS_V4_A);
    assertThat(haproxy.awaitSessionFrom("10.200.0.4:0").ppDst())
        .isEqualTo("10.200.0.1:" + sink4.address().getPort());
    assertThat(haproxy.awaitSessionFrom(v6b + ":0").ppDst())
        .isEqualTo("fd00:200::1:" + sink6.address().getPort());
  }

  @Test
  void anAddressNotConfiguredInTheNamespaceIsClassifiedUnplumbed(Peers peers) {
    SmtpSinkPeer sink4 = peers.smtpSink(lab.sinkPlace(), NetnsLab.SINK_V4);
    SmtpSinkPeer sink6 = peers.smtpSink(lab.sinkPlace(), NetnsLab.SINK_V6);
    HaproxyPeer haproxy = peers.haproxy(lab.egressPlace(), EGRESS_V4_PRIMARY, sink4.address(),
        NetnsLab.NETWORKS);
    String ha = HaproxyPeer.literal(haproxy.usesrcFrontend());
    String v4 = UNPLUMBED_V4.getHostAddress();
    String v6 = UNPLUMBED_V6.getHostAddress();

    List<ResultLine> results = NamespaceJvm.run(peers, lab.egressPlace(), "egresskit-unplumbed",
        NamespaceProbeMain.class, List.of(
            "probe=unplumbed-v4|" + HaproxyPeer.literal(sink4.address()) + "|source_address="
                + v4 + ";ehlo_domain=unplumbed-v4.netns.example",
            "probe=unplumbed-v6|" + HaproxyPeer.literal(sink6.address()) + "|source_address="
                + v6 + ";ehlo_domain=unplumbed-v6.netns.example",
            // source_address is also the bind used to reach a proxy: unplumbed there too.
            "probe=unplumbed-to-haproxy|" + HaproxyPeer.literal(sink4.address())
                + "|source_address=" + v4 + ";ha_proxy_server=" + ha
                + ";ha_proxy_source_address=10.200.0.3;ehlo_domain=unplumbed-ha.netns.example"));

    for (String name : List.of("unplumbed-v4", "unplumbed-v6", "unplumbed-to-haproxy")) {
      ResultLine result = ResultLine.find(results, "name", name);
      assertThat(result.get("outcome")).as(name + ": " + result).isEqualTo("error");
      assertThat(result.get("kind")).as(name + ": " + result)
          .isEqualTo(FailureKind.SOURCE_UNPLUMBED.name());
    }
    assertThat(sink4.sessions()).noneMatch(s -> s.ehlo().isPresent());
    assertThat(sink6.sessions()).noneMatch(s -> s.ehlo().isPresent());
    assertThat(haproxy.sessions()).isEmpty();
  }

  @Test
  void anIpv6HaproxySourceWithAnIpv4DestinationFailsWithTheFamilyMismatchError(Peers peers) {
    SmtpSinkPeer sink4 = peers.smtpSink(lab.sinkPlace(), NetnsLab.SINK_V4);
    HaproxyPeer haproxy = peers.haproxy(lab.egressPlace(), EGRESS_V4_PRIMARY, sink4.address(),
        NetnsLab.NETWORKS);

    List<ResultLine> results = NamespaceJvm.run(peers, lab.egressPlace(), "egresskit-mismatch",
        NamespaceProbeMain.class, List.of("probe=ha-mismatch|"
            + HaproxyPeer.literal(sink4.address()) + "|ha_proxy_server="
            + HaproxyPeer.literal(haproxy.usesrcFrontend())
            + ";ha_proxy_source_address=fd00:200::3;ehlo_domain=mismatch.netns.example"));

    ResultLine result = ResultLine.find(results, "name", "ha-mismatch");
    assertThat(result.get("outcome")).as(result.toString()).isEqualTo("error");
    assertThat(result.get("kind")).isEqualTo(FailureKind.FAMILY_MISMATCH.name());
    assertThat(result.get("reason")).isEqualTo("Skipping ha-mismatch because"
        + " ha_proxy_source_address fd00:200::3 address family does not match the destination"
        + " address family 10.200.0.1:" + sink4.address().getPort());
    assertThat(haproxy.sessions()).isEmpty();
    assertThat(sink4.sessions()).noneMatch(s -> s.ehlo().isPresent());
  }
}
