package dev.egresskit.transport;

import static dev.egresskit.transport.testing.Sources.ip;
import static dev.egresskit.transport.testing.Sources.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Route;
import dev.egresskit.transport.testing.Await;
import dev.egresskit.transport.testing.RawServer;
import dev.egresskit.transport.testing.RecordingHealth;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Deadlines read the connector's ticker: with a mock ticker, time is advanced, never waited for,
 * and a deadline fires exactly when the advanced time passes it.
 */
class DeadlineTickerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final MockTicker ticker = Ticker.newMockTicker();
  private final RecordingHealth health = new RecordingHealth();
  private EgressConnector connector;
  private RawServer silent;

  @AfterEach
  void close() throws Exception {
    if (connector != null) {
      connector.close();
    }
    if (silent != null) {
      silent.close();
    }
  }

  private void start() throws Exception {
    connector = EgressConnector.builder().ticker(ticker).health(health).eventLoopThreads(1)
        .build();
    silent = RawServer.silent();
  }

  @Test
  void aSilentProxyFailsTheHandshakeWhenTheAdvancedTimePassesTheDeadline() throws Exception {
    start();
    Route route = new Route.Socks5(new ProxyServer.IpLiteral(silent.address().getAddress(),
        silent.address().getPort()), Optional.empty(), Optional.empty(), Optional.empty());
    CompletableFuture<EgressConnection> attempt = connector.connect(source("s5", route),
        new InetSocketAddress(ip("127.0.0.1"), 25), TIMEOUT);
    Await.until(() -> silent.accepted() == 1, Duration.ofSeconds(5), "the proxy accepted");

    ticker.advance(TIMEOUT.toSeconds() - 1, TimeUnit.SECONDS);
    connector.settleEventLoops();
    assertThat(attempt).isNotDone();

    ticker.advance(2, TimeUnit.SECONDS);
    connector.settleEventLoops();
    EgressConnectException e = (EgressConnectException) Await.failure(attempt);
    assertThat(e.kind()).isEqualTo(FailureKind.HANDSHAKE_TIMEOUT);
    assertThat(e.reason()).isEqualTo("timeout after 30s while performing proxy handshake with "
        + "127.0.0.1:" + silent.address().getPort() + " (waiting for the SOCKS5 method reply)");
    assertThat(health.recorded()).containsExactly("s5:HANDSHAKE_TIMEOUT");
  }

  @Test
  void aSilentSmtpServerFailsTheProbeAtTheSameDeadline() throws Exception {
    start();
    SmtpProbe probe = SmtpProbe.builder(connector).localHostName(() -> "probe.example").build();
    CompletableFuture<ProbeResult> result = probe.probe(
        source("direct", new Route.Direct(Optional.empty())), silent.address(), Optional.empty(),
        TIMEOUT);
    Await.until(() -> silent.accepted() == 1, Duration.ofSeconds(5), "the server accepted");
    connector.settleEventLoops();

    ticker.advance(TIMEOUT.toSeconds() - 1, TimeUnit.SECONDS);
    connector.settleEventLoops();
    assertThat(result).isNotDone();

    ticker.advance(2, TimeUnit.SECONDS);
    connector.settleEventLoops();
    EgressConnectException e = (EgressConnectException) Await.failure(result);
    assertThat(e.kind()).isEqualTo(FailureKind.SMTP_FAILED);
    assertThat(e.reason()).isEqualTo("timeout after 30s while waiting for the banner");
  }
}
