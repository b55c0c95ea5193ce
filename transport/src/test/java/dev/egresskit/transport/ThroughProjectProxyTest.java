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
import dev.egresskit.proxy.ProxyCredentials;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SOCKS5 client against the project's own KumoProxy-compatible server, end to end. */
class ThroughProjectProxyTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private SmtpSink sink;
  private Socks5ProxyServer proxy;
  private EgressConnector connector;
  private SmtpProbe probe;

  @BeforeEach
  void start() {
    sink = SmtpSink.builder().build().start();
    ProxyCredentials users = ProxyCredentials.parse("test users",
        List.of(ProxyCredentials.hashLine("kumo", "s3cret".toCharArray(), 1000)));
    proxy = Socks5ProxyServer.builder().listen(new InetSocketAddress("127.0.0.1", 0))
        .credentials(users).requireAuth(true).build().start();
    connector = EgressConnector.builder().build();
    probe = SmtpProbe.create(connector);
  }

  @AfterEach
  void stop() {
    connector.close();
    proxy.close();
    sink.close();
  }

  private EgressSource source(String sourceAddress, String password) throws Exception {
    Optional<InetAddress> bound = sourceAddress == null ? Optional.empty()
        : Optional.of(InetAddress.getByName(sourceAddress));
    Route route = new Route.Socks5(
        new ProxyServer.IpLiteral(proxy.address().getAddress(), proxy.address().getPort()),
        bound, Optional.of(new Socks5Credentials("kumo", new Secret.Inline(password))),
        Optional.empty());
    return new EgressSource("via-proxy", Optional.of("mta.example.com"), OptionalInt.empty(),
        EgressSource.DEFAULT_TTL, HealthRules.NONE, route);
  }

  @Test
  void bindThenConnectMakesTheSinkSeeTheRequestedSourceAddress() throws Exception {
    ProbeResult result = probe.probe(source("127.0.0.6", "s3cret"), sink.address(),
        Optional.empty(), TIMEOUT).get(20, TimeUnit.SECONDS);

    SinkSession session = sink.awaitSessions(1, TIMEOUT).get(0);
    assertThat(session.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.6");
    assertThat(session.ehlo()).contains("mta.example.com");
    assertThat(result.protocol()).isEqualTo("socks5");
    assertThat(result.reportedSource().address().getAddress().getHostAddress())
        .isEqualTo("127.0.0.6");
  }

  @Test
  void plainConnectLetsTheProxyChooseItsOwnAddress() throws Exception {
    probe.probe(source(null, "s3cret"), sink.address(), Optional.empty(), TIMEOUT)
        .get(20, TimeUnit.SECONDS);

    SinkSession session = sink.awaitSessions(1, TIMEOUT).get(0);
    assertThat(session.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
  }

  @Test
  void aWrongPasswordIsRejectedWithoutLeakingIt() throws Exception {
    EgressSource source = source("127.0.0.6", "wrong-password-42");
    assertThatThrownBy(() -> probe.probe(source, sink.address(), Optional.empty(), TIMEOUT).join())
        .isInstanceOf(CompletionException.class)
        .cause().isInstanceOfSatisfying(EgressConnectException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.PROXY_AUTH_REJECTED);
          assertThat(e.getMessage()).contains("SOCKS5 username/password was incorrect")
              .doesNotContain("wrong-password-42");
        });
    assertThat(sink.sessions()).isEmpty();
  }

  @Test
  void anUnplumbedSourceOnTheProxyIsABindRejection() throws Exception {
    // 192.0.2.1 is only ever a bind address for the proxy: the bind fails, nothing is sent.
    EgressSource source = source("192.0.2.1", "s3cret");
    assertThatThrownBy(() -> probe.probe(source, sink.address(), Optional.empty(), TIMEOUT).join())
        .cause().isInstanceOfSatisfying(EgressConnectException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.PROXY_BIND_REJECTED);
          assertThat(e.getMessage()).contains("The proxy server failed to bind 192.0.2.1");
        });
  }
}
