package dev.egresskit.interop;

import static dev.egresskit.interop.Ips.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.proxy.ProxyCredentials;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.transport.EgressConnectException;
import dev.egresskit.transport.ProbeResult;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * EgressKit's SOCKS5 route through the project's proxy ({@link Socks5ProxyServer}) to postfix's
 * smtp-sink on loopback. No Debian SOCKS server speaks KumoProxy's BIND-then-CONNECT dialect, so
 * the project's proxy is the peer here; smtp-sink is the independent witness of the address the
 * proxy dialled from.
 */
@ExtendWith(PeerExtension.class)
class Socks5RouteIT {

  @Test
  void bindThenConnectMakesTheSinkSeeTheRequestedSource(Peers peers) throws Exception {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    Socks5ProxyServer proxy = peers.closeAtEnd(proxyOn(Ips.LOOPBACK_V4));
    EgressProbe egress = peers.closeAtEnd(new EgressProbe());

    ProbeResult result = egress.run(Sources.source("socks-5",
        "socks5_proxy_server", HaproxyPeer.literal(proxy.address()),
        "socks5_proxy_source_address", "127.0.0.5",
        "ehlo_domain", "bind.socks5.interop.example"), sink.address());

    assertThat(sink.awaitSessionWithEhlo("bind.socks5.interop.example").clientAddress())
        .isEqualTo("127.0.0.5");
    assertThat(sink.process().logText()).contains("connect (AF_INET 127.0.0.5)");
    assertThat(result.protocol()).isEqualTo("socks5");
    assertThat(result.reportedSource().address().getAddress()).isEqualTo(ip("127.0.0.5"));
  }

  @Test
  void plainConnectMakesTheSinkSeeTheProxysOwnAddress(Peers peers) throws Exception {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    Socks5ProxyServer proxy = peers.closeAtEnd(proxyOn(Ips.LOOPBACK_V4));
    EgressProbe egress = peers.closeAtEnd(new EgressProbe());

    // EgressKit reaches the proxy from 127.0.0.8; without socks5_proxy_source_address the proxy
    // dials from whatever its kernel picks: 127.0.0.1 toward 127.0.0.1.
    ProbeResult result = egress.run(Sources.source("socks-plain",
        "source_address", "127.0.0.8",
        "socks5_proxy_server", HaproxyPeer.literal(proxy.address()),
        "ehlo_domain", "plain.socks5.interop.example"), sink.address());

    assertThat(result.localAddress().getAddress()).isEqualTo(ip("127.0.0.8"));
    assertThat(sink.awaitSessionWithEhlo("plain.socks5.interop.example").clientAddress())
        .isEqualTo("127.0.0.1");
    assertThat(result.reportedSource().address().getAddress()).isEqualTo(ip("127.0.0.1"));
  }

  @Test
  void bindThenConnectWithCredentialsReachesTheSinkFromTheSource(Peers peers) throws Exception {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    Socks5ProxyServer proxy = peers.closeAtEnd(Socks5ProxyServer.builder()
        .listen(new InetSocketAddress(Ips.LOOPBACK_V4, 0))
        .credentials(ProxyCredentials.parse("interop-users",
            List.of(ProxyCredentials.hashLine("mta", "s3cret-pw".toCharArray(), 1000))))
        .requireAuth(true)
        .build().start());
    EgressProbe egress = peers.closeAtEnd(new EgressProbe());
    Map<String, Object> fields = new LinkedHashMap<>(Sources.fieldsOf("socks-auth",
        "socks5_proxy_server", HaproxyPeer.literal(proxy.address()),
        "socks5_proxy_source_address", "127.0.0.6",
        "socks5_proxy_username", "mta",
        "ehlo_domain", "auth.socks5.interop.example"));
    fields.put("socks5_proxy_password", Map.of("key_data", "s3cret-pw"));

    egress.run(Sources.source(fields), sink.address());

    assertThat(sink.awaitSessionWithEhlo("auth.socks5.interop.example").clientAddress())
        .isEqualTo("127.0.0.6");
  }

  @Test
  void aSourceOutsideTheProxysAllowListIsRejectedAndNothingReachesTheSink(Peers peers) {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    Socks5ProxyServer proxy = peers.closeAtEnd(Socks5ProxyServer.builder()
        .listen(new InetSocketAddress(Ips.LOOPBACK_V4, 0))
        .allowSources(List.of("127.0.0.5/32"))
        .build().start());
    EgressProbe egress = peers.closeAtEnd(new EgressProbe());
    int sessionsBefore = sink.sessions().size();

    EgressConnectException failure = egress.failure(Sources.source("socks-refused",
        "socks5_proxy_server", HaproxyPeer.literal(proxy.address()),
        "socks5_proxy_source_address", "127.0.0.7",
        "ehlo_domain", "refused.socks5.interop.example"), sink.address());

    assertThat(failure.kind()).isEqualTo(FailureKind.PROXY_BIND_REJECTED);
    assertThat(sink.sessions()).hasSize(sessionsBefore);
  }

  @Test
  void anIpv6SourceIsBoundByTheProxyTowardAnIpv6Sink(Peers peers) throws Exception {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V6);
    Socks5ProxyServer proxy = peers.closeAtEnd(proxyOn(Ips.LOOPBACK_V4));
    EgressProbe egress = peers.closeAtEnd(new EgressProbe());

    egress.run(Sources.source("socks-v6",
        "socks5_proxy_server", HaproxyPeer.literal(proxy.address()),
        "socks5_proxy_source_address", "::1",
        "ehlo_domain", "six.socks5.interop.example"), sink.address());

    SinkSession session = sink.awaitSessionWithEhlo("six.socks5.interop.example");
    assertThat(session.family()).isEqualTo("AF_INET6");
    assertThat(ip(session.clientAddress())).isEqualTo(Ips.LOOPBACK_V6);
  }

  private static Socks5ProxyServer proxyOn(java.net.InetAddress host) {
    return Socks5ProxyServer.builder().listen(new InetSocketAddress(host, 0)).build().start();
  }
}
