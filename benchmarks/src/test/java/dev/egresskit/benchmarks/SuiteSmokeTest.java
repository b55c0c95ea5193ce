package dev.egresskit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.sink.SmtpSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs every suite in quick mode, in this JVM, so a suite that no longer runs fails the build.
 * The numbers are not looked at beyond being positive: speed is measured by
 * {@code benchmarks/run}, never by tests.
 */
class SuiteSmokeTest {

  @ParameterizedTest
  @EnumSource(Suite.class)
  void everySuiteRunsAndReportsEveryRatio(Suite suite, @TempDir Path out) throws Exception {
    Path markdown = SuiteRunner.run(suite, new SuiteRunner.Settings(true, 0, out));

    JsonNode doc = new ObjectMapper().readTree(out.resolve(suite.id() + ".json").toFile());
    assertThat(doc.get("results")).isNotEmpty();
    for (JsonNode result : doc.get("results")) {
      assertThat(result.get("score").asDouble()).as(result.toString()).isPositive();
    }
    assertThat(doc.get("ratios")).hasSize(suite.comparisons().size());
    assertThat(Files.readString(markdown)).contains("| ratio |", "| benchmark |");
  }

  /**
   * The connect suite pointed at a sink and a proxy it did not start: every sink-using route
   * reaches them (the BIND route's sessions arrive from the bound 127.0.0.4 through the given
   * proxy) and the parameters are written into the results.
   */
  @Test
  void connectSuiteUsesTheSinkAndProxyItIsGiven(@TempDir Path out) throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    // The suite runs tens of thousands of sessions: look at every one as it ends.
    Set<String> peers = ConcurrentHashMap.newKeySet();
    Set<String> endReasons = ConcurrentHashMap.newKeySet();
    try (SmtpSink sink = SmtpSink.builder().threads(2).keepSessions(0).onSession(s -> {
          peers.add(s.peer().getAddress().getHostAddress());
          endReasons.add(s.endReason());
        }).build().start();
        Socks5ProxyServer proxy = Socks5ProxyServer.builder()
            .listen(new InetSocketAddress("127.0.0.1", 0)).meterRegistry(meters).build()
            .start()) {
      Map<String, String> params = Map.of(
          "sink", "127.0.0.1:" + sink.address().getPort(),
          "socks", "127.0.0.1:" + proxy.address().getPort(),
          "eventLoops", "2");
      Path markdown = SuiteRunner.run(Suite.CONNECT,
          new SuiteRunner.Settings(true, 0, out, params));

      // direct and the proxy's CONNECT from 127.0.0.1, direct-bound from 127.0.0.2, BIND's
      // outbound leg from 127.0.0.4; 127.0.0.3 (HAProxy) goes to the suite's own PROXY sink.
      assertThat(peers).containsExactlyInAnyOrder("127.0.0.1", "127.0.0.2", "127.0.0.4");
      assertThat(endReasons).containsOnly("QUIT");
      assertThat(meters.get("proxy_connections_completed_total").counter().count())
          .isPositive();
      JsonNode doc = new ObjectMapper().readTree(out.resolve("connect.json").toFile());
      assertThat(doc.get("params").get("sink").asText()).isEqualTo(params.get("sink"));
      assertThat(doc.get("ratios")).hasSize(Suite.CONNECT.comparisons().size());
      assertThat(Files.readString(markdown)).contains("Parameters: ", params.get("socks"));
    }
  }
}
