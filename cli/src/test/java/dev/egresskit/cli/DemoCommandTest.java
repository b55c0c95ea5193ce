package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.egresskit.cli.demo.DemoCommand;
import dev.egresskit.cli.output.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

  @Test
  void theLuaDemoShowsEveryRouteAsTheServerSawItAndExitsZero() {
    Cli.Result result = Cli.run("demo", "--lang", "lua");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("EgressKit demo (lua policy)")
        .containsPattern("direct-1 +direct +127\\.0\\.0\\.2:\\d+ +direct-1\\.demo\\.egresskit\\.test .* ok")
        .containsPattern("haproxy-1 +haproxy +127\\.0\\.0\\.3:0 \\(PROXY v2\\) +haproxy-1\\.demo\\.egresskit\\.test .* ok")
        .containsPattern("kumoproxy-1 +socks5 bind\\+connect +127\\.0\\.0\\.4:\\d+ +kumoproxy-1\\.demo\\.egresskit\\.test .* ok")
        .containsPattern("socks5-connect-1 +socks5 connect +127\\.0\\.0\\.1:\\d+ +socks5-connect-1\\.demo\\.egresskit\\.test .* ok")
        .contains("every route delivered what its policy says (4 routes, 8 pool picks)");
  }

  @Test
  void theJavaScriptDemoDeliversTheSameRoutesAndExitsZero() throws Exception {
    Cli.Result result = Cli.run("demo", "--lang", "js", "--json");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode json = Json.mapper().readTree(result.out());
    assertThat(json.get("language").asText()).isEqualTo("js");
    assertThat(json.get("policy").asText()).endsWith("demo.js");
    List<String> seen = new ArrayList<>();
    json.get("routes").forEach(r -> seen.add(r.get("source").asText() + " "
        + (r.get("seen").get("proxy_header").isNull()
            ? r.get("seen").get("peer").asText().replaceAll(":\\d+$", "")
            : r.get("seen").get("proxy_header").get("source").asText())
        + " " + r.get("seen").get("ehlo").asText() + " " + r.get("ok").asBoolean()));
    assertThat(seen).containsExactly(
        "direct-1 127.0.0.2 direct-1.demo.egresskit.test true",
        "haproxy-1 127.0.0.3:0 haproxy-1.demo.egresskit.test true",
        "kumoproxy-1 127.0.0.4 kumoproxy-1.demo.egresskit.test true",
        "socks5-connect-1 127.0.0.1 socks5-connect-1.demo.egresskit.test true");
  }

  @Test
  void theDemoJsonHasTheServersRecordForEachRouteAndTheWeightedPicks() throws Exception {
    Cli.Result result = Cli.run("demo", "--json");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode json = Json.mapper().readTree(result.out());
    assertThat(json.get("ok").asBoolean()).isTrue();
    JsonNode routes = json.get("routes");
    assertThat(routes).hasSize(4);
    JsonNode haproxy = routes.get(1);
    assertThat(haproxy.get("source").asText()).isEqualTo("haproxy-1");
    assertThat(haproxy.get("seen").get("proxy_header").get("source").asText())
        .isEqualTo("127.0.0.3:0");
    assertThat(haproxy.get("seen").get("proxy_header").get("destination").asText())
        .isEqualTo(json.get("servers").get("sink").asText());
    JsonNode kumoproxy = routes.get(2);
    assertThat(kumoproxy.get("seen").get("peer").asText())
        .isEqualTo(kumoproxy.get("probe").get("reported_source").asText())
        .startsWith("127.0.0.4:");
    assertThat(kumoproxy.get("probe").get("proxy").asText())
        .isEqualTo(json.get("servers").get("socks5_proxy").asText());
    List<String> picks = new ArrayList<>();
    json.get("pool").get("picks").forEach(p -> picks.add(p.get("source").asText()));
    // KumoMTA's weighted round robin (weights 3/2/2/1): the first pick is the second entry.
    assertThat(picks).containsExactly("haproxy-1", "kumoproxy-1", "socks5-connect-1",
        "direct-1", "direct-1", "haproxy-1", "kumoproxy-1", "direct-1");
  }

  @Test
  void theCycleLengthIsTheWeightSumOverTheirGcd() {
    assertThat(DemoCommand.cycleLength(new dev.egresskit.core.model.EgressPool("p", List.of(
        new dev.egresskit.core.model.PoolEntry("a", 4),
        new dev.egresskit.core.model.PoolEntry("b", 2),
        new dev.egresskit.core.model.PoolEntry("c", 0)), java.time.Duration.ZERO)))
        .isEqualTo(3);
  }
}
