package dev.egresskit.transport;

import static dev.egresskit.transport.testing.Sources.ip;
import static dev.egresskit.transport.testing.Sources.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Route;
import dev.egresskit.testkit.await.Await;
import dev.egresskit.transport.testing.HaProxyReceiver;
import dev.egresskit.transport.testing.RecordingHealth;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Proxy host names resolved at connect time: ordering, family filter, failover (§2.2d–h). */
class CandidateFailoverTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final InetSocketAddress DEST = new InetSocketAddress(ip("127.0.0.1"), 2525);

  private final RecordingHealth health = new RecordingHealth();
  private final List<String> lookups = new CopyOnWriteArrayList<>();
  private Map<String, CompletableFuture<List<InetAddress>>> answers = Map.of();
  private final EgressConnector connector = EgressConnector.builder().eventLoopThreads(1)
      .health(health).resolver(host -> {
        lookups.add(host);
        return answers.getOrDefault(host,
            CompletableFuture.failedFuture(new UnknownHostException(host + ": Name not known")));
      }).build();

  @AfterEach
  void close() {
    connector.close();
  }

  private static Route.HaProxy haRoute(String host, int port, String bind) {
    return new Route.HaProxy(new ProxyServer.HostName(host, port), ip("10.0.0.1"),
        Optional.ofNullable(bind).map(b -> ip(b)));
  }

  private static CompletableFuture<List<InetAddress>> answer(String... ips) {
    return CompletableFuture.completedFuture(List.of(ips).stream().map(i -> ip(i)).toList());
  }

  @Test
  void aRecordsAreTriedFirstAndTheSecondCandidateWinsWhenTheFirstRefuses() throws Exception {
    try (HaProxyReceiver receiver = new HaProxyReceiver()) {
      int port = receiver.address().getPort();
      // ::1 comes first from the resolver but AAAA records go last; 127.0.0.3 has no listener.
      answers = Map.of("proxy.test", answer("::1", "127.0.0.3", "127.0.0.1"));
      EgressConnection c = Await.result(connector.connect(
          source("ha-f", haRoute("proxy.test", port, null)), DEST, TIMEOUT));
      assertThat(c.proxyCandidate()).contains(new InetSocketAddress(ip("127.0.0.1"), port));
      assertThat(Await.result(receiver.firstHeader()).sourceAddress()).isEqualTo("10.0.0.1");
      assertThat(lookups).containsExactly("proxy.test");
      assertThat(health.recorded()).isEmpty();
      c.close();
    }
  }

  @Test
  void everyCandidateFailingGivesOneCombinedErrorWithEachCauseSuppressed() throws Exception {
    int port = DirectConnectTest.closedPort().getPort();
    answers = Map.of("proxy.test", answer("127.0.0.3", "127.0.0.4"));
    EgressConnectException e = (EgressConnectException) Await.failure(connector.connect(
        source("ha-g", haRoute("proxy.test", port, null)), DEST, TIMEOUT));
    assertThat(e.kind()).isEqualTo(FailureKind.PROXY_UNREACHABLE);
    assertThat(e.reason()).startsWith("failed to connect via any of 2 candidate(s) for source "
        + "ha-g: 127.0.0.3:" + port + ": failed to connect to 127.0.0.3:" + port)
        .contains("; 127.0.0.4:" + port + ": failed to connect to 127.0.0.4:" + port);
    assertThat(e.getMessage()).startsWith("haproxy, proxy.test:" + port + " => 127.0.0.1:2525: ");
    assertThat(e.getSuppressed()).hasSize(2).allSatisfy(s ->
        assertThat(((EgressConnectException) s).kind()).isEqualTo(FailureKind.PROXY_UNREACHABLE));
    assertThat(health.recorded()).containsExactly("ha-g:PROXY_UNREACHABLE");
    Await.until(() -> connector.openChannels() == 0, TIMEOUT, "every channel is closed");
  }

  @Test
  void candidatesOfTheOtherFamilyThanSourceAddressAreDroppedCase26() {
    answers = Map.of("proxy.test", answer("::1"));
    EgressConnectException e = (EgressConnectException) Await.failure(connector.connect(
        source("ha-h", haRoute("proxy.test", 5000, "127.0.0.1")), DEST, TIMEOUT));
    assertThat(e.kind()).isEqualTo(FailureKind.RESOLUTION_FAILED);
    assertThat(e.reason()).isEqualTo("source ha-h: no ha_proxy_server candidates remain after "
        + "filtering 1 resolved address(es) to match source_address 127.0.0.1 family");
  }

  @Test
  void aNameWithoutAddressesResolvesToNoUsableAddresses() {
    answers = Map.of("empty.test", answer());
    EgressConnectException e = (EgressConnectException) Await.failure(connector.connect(
        source("ha-i", haRoute("empty.test", 5000, null)), DEST, TIMEOUT));
    assertThat(e.reason()).isEqualTo(
        "source ha-i: ha_proxy_server empty.test:5000 resolved to no usable addresses");
  }

  @Test
  void aFailedLookupQuotesTheResolverError() {
    EgressConnectException e = (EgressConnectException) Await.failure(connector.connect(
        source("ha-j", haRoute("nx.test", 5000, null)), DEST, TIMEOUT));
    assertThat(e.kind()).isEqualTo(FailureKind.RESOLUTION_FAILED);
    assertThat(e.reason()).isEqualTo(
        "resolving ha_proxy_server nx.test:5000 for source ha-j: nx.test: Name not known");
    assertThat(e.kind().healthEvent()).isEmpty();
  }

  @Test
  void aLookupThatNeverAnswersFailsAtTheDeadline() {
    answers = Map.of("slow.test", new CompletableFuture<>());
    EgressConnectException e = (EgressConnectException) Await.failure(connector.connect(
        source("ha-k", haRoute("slow.test", 5000, null)), DEST, Duration.ofMillis(200)));
    assertThat(e.kind()).isEqualTo(FailureKind.RESOLUTION_FAILED);
    assertThat(e.reason()).isEqualTo("timeout resolving ha_proxy_server slow.test:5000 for "
        + "source ha-k");
  }

  @Test
  void systemResolverResolvesLocalhostToLoopbackAddresses() throws Exception {
    List<InetAddress> addresses = Await.result(HostResolver.system(Runnable::run)
        .resolve("localhost"));
    assertThat(addresses).isNotEmpty();
    assertThat(addresses).allSatisfy(a -> assertThat(a.isLoopbackAddress()).isTrue());
  }
}
