package dev.egresskit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.HealthRules;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.Secret;
import dev.egresskit.core.model.Socks5Credentials;
import dev.egresskit.core.model.Socks5Tls;
import dev.egresskit.proxy.ProxyCredentials;
import dev.egresskit.proxy.ProxyTls;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import dev.egresskit.transport.testing.TlsRelay;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code socks5_proxy_tls}: the SOCKS5 client speaks TLS to the project's own proxy (a
 * {@code use_tls} listener with a self-signed certificate) and reaches our SMTP sink through it.
 */
class Socks5OverTlsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private SmtpSink sink;
  private ProxyTls localhostTls;
  private Socks5ProxyServer tlsProxy;
  private EgressConnector connector;
  private SmtpProbe probe;
  private Path localhostCa;

  @BeforeEach
  void start() throws Exception {
    sink = SmtpSink.builder().build().start();
    localhostTls = ProxyTls.selfSigned("localhost");
    tlsProxy = proxy(localhostTls);
    localhostCa = pem("localhost.pem", localhostTls.generatedCertificate());
    // One flight (the default) against our proxy's TLS listener; a second TLS stack is tried
    // below (oneFlightThroughAnotherTlsStack).
    connector = EgressConnector.builder().build();
    probe = SmtpProbe.create(connector);
  }

  @AfterEach
  void stop() {
    connector.close();
    tlsProxy.close();
    sink.close();
  }

  @Test
  void bindThenConnectThroughATlsListenerNamedByHost() throws Exception {
    EgressSource source = source(new ProxyServer.HostName("localhost", tlsProxy.address().getPort()),
        "127.0.0.6", Socks5Tls.trusting(localhostCa));

    ProbeResult result = probe.probe(source, sink.address(), Optional.empty(), TIMEOUT)
        .get(20, TimeUnit.SECONDS);

    SinkSession session = sink.awaitSessions(1, TIMEOUT).get(0);
    assertThat(session.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.6");
    assertThat(session.ehlo()).contains("mta.example.com");
    assertThat(result.reportedSource().address().getAddress().getHostAddress())
        .isEqualTo("127.0.0.6");
  }

  @Test
  void plainConnectThroughATlsListenerNamedByIpLiteral() throws Exception {
    ProxyTls ipTls = ProxyTls.selfSigned("127.0.0.1");
    try (Socks5ProxyServer ipProxy = proxy(ipTls)) {
      EgressSource source = source(literal(ipProxy), null,
          Socks5Tls.trusting(pem("ip.pem", ipTls.generatedCertificate())));

      probe.probe(source, sink.address(), Optional.empty(), TIMEOUT).get(20, TimeUnit.SECONDS);

      SinkSession session = sink.awaitSessions(1, TIMEOUT).get(0);
      assertThat(session.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(session.ehlo()).contains("mta.example.com");
    }
  }

  @Test
  void oneFlightThroughAnotherTlsStack() throws Exception {
    try (Socks5ProxyServer plain = proxy(null);
        TlsRelay relay = new TlsRelay(plain.address());
        EgressConnector oneFlight = EgressConnector.builder().build()) {
      EgressSource source = source(new ProxyServer.HostName("localhost", relay.port()),
          "127.0.0.6", Socks5Tls.trusting(relay.certificatePem().toPath()));

      ProbeResult result = SmtpProbe.create(oneFlight)
          .probe(source, sink.address(), Optional.empty(), TIMEOUT).get(20, TimeUnit.SECONDS);

      SinkSession session = sink.awaitSessions(1, TIMEOUT).get(0);
      assertThat(session.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.6");
      assertThat(session.ehlo()).contains("mta.example.com");
      assertThat(result.reportedSource().address().getAddress().getHostAddress())
          .isEqualTo("127.0.0.6");
    }
  }

  @Test
  void aCertificateNotTrustedFailsNamingTls() throws Exception {
    Path other = pem("other.pem", ProxyTls.selfSigned("localhost").generatedCertificate());
    EgressSource source = source(new ProxyServer.HostName("localhost", tlsProxy.address().getPort()),
        "127.0.0.6", Socks5Tls.trusting(other));

    assertFails(source, FailureKind.PROXY_UNREACHABLE, "PKIX path");
    assertThat(sink.sessions()).isEmpty();
  }

  @Test
  void theJdkTrustStoreDoesNotTrustASelfSignedProxy() throws Exception {
    EgressSource source = source(new ProxyServer.HostName("localhost", tlsProxy.address().getPort()),
        null, Socks5Tls.JDK_TRUST);

    assertFails(source, FailureKind.PROXY_UNREACHABLE, "TLS handshake failed");
  }

  @Test
  void aCertificateForAnotherNameIsRefused() throws Exception {
    // Trusted, but issued for "localhost" while the source names the proxy 127.0.0.1.
    EgressSource source = source(literal(tlsProxy), null, Socks5Tls.trusting(localhostCa));

    assertFails(source, FailureKind.PROXY_UNREACHABLE,
        "No subject alternative names matching IP address 127.0.0.1");
    assertThat(sink.sessions()).isEmpty();
  }

  @Test
  void tlsAgainstAPlainListenerFailsPromptlyNamingTls() throws Exception {
    try (Socks5ProxyServer plain = proxy(null)) {
      EgressSource source = source(literal(plain), null, Socks5Tls.trusting(localhostCa));
      long started = System.nanoTime();

      assertFails(source, FailureKind.PROXY_UNREACHABLE, "TLS handshake failed");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT);
    }
  }

  @Test
  void aMissingOrBadCaFileIsReportedNamingTheField() throws Exception {
    EgressSource missing = source(literal(tlsProxy), null,
        Socks5Tls.trusting(dir.resolve("absent.pem")));
    assertFails(missing, FailureKind.SECRET_UNAVAILABLE, "socks5_proxy_tls_ca");

    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
    EgressSource bad = source(literal(tlsProxy), null, Socks5Tls.trusting(garbage));
    assertFails(bad, FailureKind.SECRET_UNAVAILABLE, "socks5_proxy_tls_ca");
  }

  @Test
  void aTlsConnectionCannotBeDetached() throws Exception {
    try (EgressConnector nio = EgressConnector.builder().nativeTransport(false).build()) {
      EgressSource source = source(new ProxyServer.HostName("localhost",
          tlsProxy.address().getPort()), null, Socks5Tls.trusting(localhostCa));
      try (EgressConnection connection = nio.connect(source, sink.address(), TIMEOUT)
          .get(20, TimeUnit.SECONDS)) {
        assertThatThrownBy(() -> connection.detach().join())
            .cause().isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("socks5_proxy_tls");
      }
    }
  }

  private void assertFails(EgressSource source, FailureKind kind, String text) {
    assertThatThrownBy(() -> probe.probe(source, sink.address(), Optional.empty(), TIMEOUT).join())
        .isInstanceOf(CompletionException.class)
        .cause().isInstanceOfSatisfying(EgressConnectException.class, e -> {
          assertThat(e.kind()).isEqualTo(kind);
          assertThat(e.getMessage()).contains(text).doesNotContain("s3cret");
          if (kind == FailureKind.PROXY_UNREACHABLE) {
            assertThat(e.getMessage()).contains("TLS handshake failed");
          }
        });
  }

  private static Socks5ProxyServer proxy(ProxyTls tls) {
    ProxyCredentials users = ProxyCredentials.parse("test users",
        List.of(ProxyCredentials.hashLine("kumo", "s3cret".toCharArray(), 1000)));
    Socks5ProxyServer.Builder builder = Socks5ProxyServer.builder()
        .listen(new InetSocketAddress("127.0.0.1", 0)).credentials(users).requireAuth(true);
    if (tls != null) {
      builder.tls(tls);
    }
    return builder.build().start();
  }

  private static ProxyServer literal(Socks5ProxyServer proxy) {
    return new ProxyServer.IpLiteral(proxy.address().getAddress(), proxy.address().getPort());
  }

  private Path pem(String name, X509Certificate certificate) throws Exception {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(certificate.getEncoded());
    return Files.writeString(dir.resolve(name),
        "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n");
  }

  private static EgressSource source(ProxyServer server, String sourceAddress, Socks5Tls tls)
      throws Exception {
    Optional<InetAddress> bound = sourceAddress == null ? Optional.empty()
        : Optional.of(InetAddress.getByName(sourceAddress));
    Route route = new Route.Socks5(server, bound,
        Optional.of(new Socks5Credentials("kumo", new Secret.Inline("s3cret"))), Optional.empty(),
        Optional.of(tls));
    return new EgressSource("via-tls-proxy", Optional.of("mta.example.com"), OptionalInt.empty(),
        EgressSource.DEFAULT_TTL, HealthRules.NONE, route);
  }
}
