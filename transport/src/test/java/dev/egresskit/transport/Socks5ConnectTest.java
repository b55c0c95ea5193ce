package dev.egresskit.transport;

import static dev.egresskit.transport.testing.Sources.ip;
import static dev.egresskit.transport.testing.Sources.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.Secret;
import dev.egresskit.core.model.Socks5Credentials;
import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import dev.egresskit.transport.testing.Await;
import dev.egresskit.transport.testing.RawServer;
import dev.egresskit.transport.testing.RecordingHealth;
import dev.egresskit.transport.testing.ScriptedSocks5Server;
import dev.egresskit.transport.testing.ScriptedSocks5Server.Mode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SOCKS5 route on loopback against the scripted test proxy, in each of its modes. */
class Socks5ConnectTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final RecordingHealth health = new RecordingHealth();
  private final EgressConnector connector =
      EgressConnector.builder().eventLoopThreads(1).health(health).build();

  @AfterEach
  void close() {
    connector.close();
  }

  private static Route.Socks5 route(InetSocketAddress proxy, String socksSource,
      Socks5Credentials credentials) {
    return new Route.Socks5(new ProxyServer.IpLiteral(proxy.getAddress(), proxy.getPort()),
        Optional.ofNullable(socksSource).map(s -> ip(s)), Optional.ofNullable(credentials),
        Optional.empty());
  }

  @Test
  void bindThenConnectMakesTheProxyDialFromTheRequestedSource(@TempDir Path dir)
      throws Exception {
    // KumoMTA's lock-step exchange, byte for byte.
    try (EgressConnector lockstep = EgressConnector.builder().eventLoopThreads(1).health(health)
        .lockstepHandshakes(true).build()) {
      bindThenConnect(lockstep, dir, "greeting 05020002");
    }
  }

  @Test
  void inOneFlightTheGreetingOffersOnlyUsernamePasswordAndTheRestFollows(@TempDir Path dir)
      throws Exception {
    bindThenConnect(connector, dir, "greeting 050102");
  }

  private void bindThenConnect(EgressConnector connector, Path dir, String greeting)
      throws Exception {
    Path pw = dir.resolve("pw");
    Files.writeString(pw, "hunter2\n");
    try (SmtpSink sink = SmtpSink.builder().build().start();
         ScriptedSocks5Server proxy =
             new ScriptedSocks5Server(Mode.ACCEPT, "127.0.0.1", "kumo", "hunter2")) {
      var src = source("s5-1", Optional.of("mta1.socks.test"), java.util.OptionalInt.empty(),
          route(proxy.address(), "127.0.0.7", new Socks5Credentials("kumo",
              new Secret.FileRef(pw))));
      ProbeResult result = Await.result(SmtpProbe.create(connector)
          .probe(src, sink.address(), Optional.empty(), TIMEOUT));
      SinkSession session = sink.awaitSessions(1, TIMEOUT).get(0);
      assertThat(session.peer().getAddress()).as("the proxy dialled from the BIND address")
          .isEqualTo(ip("127.0.0.7"));
      assertThat(session.ehlo()).contains("mta1.socks.test");
      assertThat(proxy.log()).containsExactly(greeting, "auth kumo/hunter2",
          "BIND 127.0.0.7:0", "CONNECT 127.0.0.1:" + sink.address().getPort());
      assertThat(result.protocol()).isEqualTo("socks5");
      assertThat(result.reportedSource().address()).isEqualTo(session.peer());
      assertThat(result.proxyCandidate()).contains(proxy.address());
      assertThat(result.banner()).isNotEmpty();
      assertThat(result.banner().get(0)).startsWith("220 ");
    }
  }

  @Test
  void withoutASocksSourceAddressAPlainConnectIsUsed() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().build().start();
         ScriptedSocks5Server proxy = new ScriptedSocks5Server(Mode.ACCEPT)) {
      ProbeResult result = Await.result(SmtpProbe.create(connector).probe(
          source("s5-2", route(proxy.address(), null, null)), sink.address(),
          Optional.of("plain.test"), TIMEOUT));
      assertThat(proxy.log()).containsExactly("greeting 050100",
          "CONNECT 127.0.0.1:" + sink.address().getPort());
      assertThat(result.reportedSource().address())
          .isEqualTo(sink.awaitSessions(1, TIMEOUT).get(0).peer());
    }
  }

  @Test
  void smtpFailureBehindTheProxyNamesTheConfiguredProxyAndClosesTheChannel() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().script(dev.egresskit.sink.SinkScript.normal()
            .reply(dev.egresskit.sink.SinkScript.BANNER, "554 5.7.1 no")).build().start();
         ScriptedSocks5Server proxy = new ScriptedSocks5Server(Mode.ACCEPT)) {
      EgressConnectException e = (EgressConnectException) Await.failure(
          SmtpProbe.create(connector).probe(source("s5-7", route(proxy.address(), null, null)),
              sink.address(), Optional.empty(), TIMEOUT));
      assertThat(e.kind()).isEqualTo(FailureKind.SMTP_FAILED);
      assertThat(e.getMessage()).isEqualTo("socks5, 127.0.0.1:" + proxy.address().getPort()
          + " => 127.0.0.1:" + sink.address().getPort()
          + ": server rejected us while waiting for the banner: 554 5.7.1 no");
      Await.until(() -> connector.openChannels() == 0, TIMEOUT, "the channel is closed");
    }
  }

  @Test
  void refusedCredentialsAreAnAuthRejectionWithoutTheSecretInTheMessage() throws Exception {
    try (ScriptedSocks5Server proxy =
             new ScriptedSocks5Server(Mode.REFUSE_AUTH, "127.0.0.1", "kumo", "hunter2")) {
      EgressConnectException e = failure(source("s5-3", route(proxy.address(), "127.0.0.7",
          new Socks5Credentials("kumo", new Secret.Inline("hunter2")))));
      assertThat(e.kind()).isEqualTo(FailureKind.PROXY_AUTH_REJECTED);
      assertThat(e.getMessage()).isEqualTo("socks5, " + proxy.address().getAddress()
          .getHostAddress() + ":" + proxy.address().getPort() + " => 127.0.0.1:2525: "
          + "SOCKS5 username/password was incorrect").doesNotContain("hunter2");
      assertThat(health.recorded()).containsExactly("s5-3:PROXY_AUTH_REJECTED");
    }
  }

  @Test
  void refusedBindIsAProxyBindRejectionThatCountsForHealth() throws Exception {
    try (ScriptedSocks5Server proxy = new ScriptedSocks5Server(Mode.REFUSE_BIND)) {
      EgressConnectException e = failure(source("s5-4", route(proxy.address(), "127.0.0.7", null)));
      assertThat(e.kind()).isEqualTo(FailureKind.PROXY_BIND_REJECTED);
      assertThat(e.reason()).startsWith("The proxy server failed to bind 127.0.0.7 via socks5 proxy");
      assertThat(e.kind().healthEvent()).isPresent();
      assertThat(proxy.log()).doesNotContain("CONNECT 127.0.0.1:2525");
    }
  }

  @Test
  void refusedConnectIsADestinationFailureThatDoesNotCountAgainstTheProxy() throws Exception {
    try (ScriptedSocks5Server proxy = new ScriptedSocks5Server(Mode.REFUSE_CONNECT)) {
      EgressConnectException e = failure(source("s5-5", route(proxy.address(), "127.0.0.7", null)));
      assertThat(e.kind()).isEqualTo(FailureKind.DESTINATION_FAILED);
      assertThat(e.reason()).startsWith("failed to connect 127.0.0.7 -> 127.0.0.1:2525 via");
      assertThat(e.kind().healthEvent()).isEmpty();
    }
  }

  @Test
  void silentProxyFailsAtTheDeadlineNamingThePhase() throws Exception {
    try (ScriptedSocks5Server proxy = new ScriptedSocks5Server(Mode.NEVER_ANSWER)) {
      long start = System.nanoTime();
      EgressConnectException e = (EgressConnectException) Await.failure(connector.connect(
          source("s5-6", route(proxy.address(), "127.0.0.7", null)),
          new InetSocketAddress(ip("127.0.0.1"), 2525), Duration.ofMillis(300)));
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(e.kind()).isEqualTo(FailureKind.HANDSHAKE_TIMEOUT);
      assertThat(e.reason()).isEqualTo("timeout after 300ms while performing proxy handshake with "
          + "127.0.0.1:" + proxy.address().getPort() + " (waiting for the SOCKS5 method reply)");
      assertThat(elapsedMillis).isBetween(250L, 4000L);
      Await.until(() -> connector.openChannels() == 0, TIMEOUT, "the channel is closed");
    }
  }

  @Test
  void proxyClosingMidHandshakeIsAProtocolErrorNamingThePhase() throws Exception {
    try (RawServer proxy = new RawServer("127.0.0.1", (s, in, out) -> in.readNBytes(3))) {
      EgressConnectException e = failure(source("s5-8", route(proxy.address(), null, null)));
      assertThat(e.kind()).isEqualTo(FailureKind.PROXY_PROTOCOL_ERROR);
      assertThat(e.reason()).isEqualTo("failed to perform proxy handshake with 127.0.0.1:"
          + proxy.address().getPort() + ": connection closed by the peer while waiting for the "
          + "SOCKS5 method reply");
    }
  }

  private EgressConnectException failure(dev.egresskit.core.model.EgressSource source) {
    Throwable t = Await.failure(connector.connect(source,
        new InetSocketAddress(ip("127.0.0.1"), 2525), TIMEOUT));
    assertThat(t).isInstanceOf(EgressConnectException.class);
    Await.until(() -> connector.openChannels() == 0, TIMEOUT, "the channel is closed");
    return (EgressConnectException) t;
  }
}
