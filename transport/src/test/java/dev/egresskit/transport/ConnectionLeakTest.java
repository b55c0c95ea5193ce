package dev.egresskit.transport;

import static dev.egresskit.transport.testing.Sources.direct;
import static dev.egresskit.transport.testing.Sources.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.Route;
import dev.egresskit.testkit.await.Await;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Failed connects must give back every channel and file descriptor. */
class ConnectionLeakTest {
  private static final int CONNECTS = 2000;
  private static final int IN_FLIGHT = 50;
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private static int openFileDescriptors() {
    String[] fds = new File("/proc/self/fd").list();
    assertThat(fds).as("/proc/self/fd is readable").isNotNull();
    return fds.length;
  }

  @Test
  void twoThousandFailedConnectsLeaveNoChannelOrDescriptorBehind() throws Exception {
    InetSocketAddress closed = DirectConnectTest.closedPort();
    EgressSource refused = source("refused", new Route.Direct(Optional.empty()));
    EgressSource unplumbed = direct("unplumbed", "192.0.2.1");
    try (EgressConnector connector = EgressConnector.builder().eventLoopThreads(2).build()) {
      // Warm up: the first connects create the event loops' selectors/epoll fds lazily.
      for (int i = 0; i < 4; i++) {
        Await.failure(connector.connect(i % 2 == 0 ? refused : unplumbed, closed,
            Duration.ofSeconds(5)));
      }
      Await.until(() -> connector.openChannels() == 0, Duration.ofSeconds(5), "warm-up closed");
      int before = openFileDescriptors();

      Map<FailureKind, Integer> kinds = new EnumMap<>(FailureKind.class);
      long end = System.nanoTime() + LIMIT.toNanos();
      for (int done = 0; done < CONNECTS; done += IN_FLIGHT) {
        assertThat(System.nanoTime()).as("finished within " + LIMIT).isLessThan(end);
        List<CompletableFuture<EgressConnection>> batch = new ArrayList<>(IN_FLIGHT);
        for (int i = 0; i < IN_FLIGHT; i++) {
          batch.add(connector.connect((done + i) % 2 == 0 ? refused : unplumbed, closed,
              Duration.ofSeconds(10)));
        }
        CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new))
            .exceptionally(t -> null).get(30, TimeUnit.SECONDS);
        for (CompletableFuture<EgressConnection> f : batch) {
          assertThat(f).isCompletedExceptionally();
          kinds.merge(((EgressConnectException) Await.failure(f)).kind(), 1, Integer::sum);
        }
      }

      assertThat(kinds).containsOnly(Map.entry(FailureKind.DESTINATION_FAILED, CONNECTS / 2),
          Map.entry(FailureKind.SOURCE_UNPLUMBED, CONNECTS / 2));
      Await.until(() -> connector.openChannels() == 0, Duration.ofSeconds(10),
          "every failed channel is closed");
      Await.until(() -> openFileDescriptors() <= before, Duration.ofSeconds(10),
          "the descriptor count is back to " + before + " (now " + openFileDescriptors() + ")");
    }
  }

  @Test
  void cancellingAPendingConnectClosesItsChannel() throws IOException {
    try (var server = dev.egresskit.transport.testing.RawServer.silent();
         EgressConnector connector = EgressConnector.builder().eventLoopThreads(1).build()) {
      Route.Socks5 route = new Route.Socks5(new dev.egresskit.core.model.ProxyServer.IpLiteral(
          server.address().getAddress(), server.address().getPort()), Optional.empty(),
          Optional.empty(), Optional.empty());
      CompletableFuture<EgressConnection> pending = connector.connect(source("c", route),
          new InetSocketAddress("127.0.0.1", 25), Duration.ofSeconds(30));
      Await.until(() -> server.accepted() == 1, Duration.ofSeconds(5), "the proxy accepted");
      pending.cancel(false);
      Await.until(() -> connector.openChannels() == 0, Duration.ofSeconds(5),
          "the cancelled attempt's channel is closed");
    }
  }
}
