package dev.egresskit.interop;

import static dev.egresskit.interop.Ips.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.proxy.ProxyCredentials;
import dev.egresskit.proxy.Socks5ProxyServer;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * curl, a standard SOCKS5 client that knows nothing of KumoProxy's BIND dialect, through the
 * project's own proxy ({@link Socks5ProxyServer}) to smtp-sink: a plain RFC 1928 CONNECT, with
 * and without RFC 1929 authentication.
 */
@ExtendWith(PeerExtension.class)
class CurlThroughProxyIT {

  @Test
  void curlReachesTheSinkThroughTheProxyWhichDialsFromItsOwnAddress(Peers peers) {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    Socks5ProxyServer proxy = peers.closeAtEnd(Socks5ProxyServer.builder()
        .listen(new InetSocketAddress(Ips.LOOPBACK_V4, 0)).build().start());

    // curl reaches the proxy from 127.0.0.8; the sink must see the proxy's own 127.0.0.1.
    CommandResult curl = Curl.smtpSession(List.of("--interface", "127.0.0.8",
            "--socks5", literal(proxy.address())),
        sink.address(), "curl.socks5.example", peers.dir());

    assertThat(curl.exitCode()).as(curl.output()).isZero();
    assertThat(curl.output()).contains("220 smtp-sink ESMTP").contains("221");
    assertThat(sink.awaitSessionWithEhlo("curl.socks5.example").clientAddress())
        .isEqualTo("127.0.0.1");
  }

  @Test
  void curlAuthenticatesWithUsernameAndPassword(Peers peers) {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    Socks5ProxyServer proxy = peers.closeAtEnd(authenticatingProxy());

    CommandResult curl = Curl.smtpSession(List.of("--socks5", literal(proxy.address()),
            "--proxy-user", "mta:s3cret-pw"),
        sink.address(), "curl.auth.example", peers.dir());

    assertThat(curl.exitCode()).as(curl.output()).isZero();
    assertThat(sink.awaitSessionWithEhlo("curl.auth.example").clientAddress())
        .isEqualTo("127.0.0.1");
  }

  @Test
  void curlWithAWrongPasswordIsRefusedAndNothingReachesTheSink(Peers peers) {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    Socks5ProxyServer proxy = peers.closeAtEnd(authenticatingProxy());
    int sessionsBefore = sink.sessions().size();

    CommandResult curl = Curl.smtpSession(List.of("--socks5", literal(proxy.address()),
            "--proxy-user", "mta:wrong-pw"),
        sink.address(), "curl.denied.example", peers.dir());

    // curl's exit 97: "proxy handshake error".
    assertThat(curl.exitCode()).as(curl.output()).isEqualTo(97);
    assertThat(curl.output()).doesNotContain("220 smtp-sink");
    assertThat(sink.sessions()).hasSize(sessionsBefore);
  }

  @Test
  void curlReachesAnIpv6SinkThroughAProxyListeningOnIpv6(Peers peers) {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V6);
    Socks5ProxyServer proxy = peers.closeAtEnd(Socks5ProxyServer.builder()
        .listen(new InetSocketAddress(Ips.LOOPBACK_V6, 0)).build().start());

    CommandResult curl = Curl.smtpSession(List.of("--socks5", literal(proxy.address())),
        sink.address(), "curl.six.example", peers.dir());

    assertThat(curl.exitCode()).as(curl.output()).isZero();
    SinkSession session = sink.awaitSessionWithEhlo("curl.six.example");
    assertThat(session.family()).isEqualTo("AF_INET6");
    assertThat(ip(session.clientAddress())).isEqualTo(Ips.LOOPBACK_V6);
  }

  /** A proxy that requires RFC 1929 authentication for user {@code mta}. */
  private static Socks5ProxyServer authenticatingProxy() {
    // A low PBKDF2 count keeps the test fast; the check itself is the same.
    String users = ProxyCredentials.hashLine("mta", "s3cret-pw".toCharArray(), 1000);
    return Socks5ProxyServer.builder()
        .listen(new InetSocketAddress(Ips.LOOPBACK_V4, 0))
        .credentials(ProxyCredentials.parse("interop-users", List.of(users)))
        .requireAuth(true)
        .build()
        .start();
  }

  private static String literal(InetSocketAddress address) {
    return HaproxyPeer.literal(address);
  }
}
