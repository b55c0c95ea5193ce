package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.egresskit.cli.output.ExitCodes;
import dev.egresskit.cli.output.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code egresskit bench connect} and {@code bench policy}, run in-process on loopback. */
class BenchCommandTest {
  @TempDir Path dir;

  private static final String LUA = """
      kumo.on('get_egress_source', function(name)
        if name == 'unplumbed' then
          return kumo.make_egress_source { name = name, source_address = '192.0.2.1' }
        end
        return kumo.make_egress_source {
          name = name, source_address = '127.0.0.' .. (#name + 1), ehlo_domain = name .. '.example',
        }
      end)
      """;

  private static final String JS = """
      kumo.on('get_egress_source', function (name) {
        return kumo.make_egress_source({
          name: name, source_address: '127.0.0.' + (name.length + 1), ehlo_domain: name + '.example'
        });
      });
      """;

  @Test
  void connectMeasuresEverySetupOfEverySourceAndDrawsTheChart() throws Exception {
    Path policy = Policies.write(dir, "policy.lua", LUA);
    Path chart = dir.resolve("latency.png");

    Cli.Result result = Cli.run("bench", "connect", "--policy", policy.toString(), "-s", "ip-1",
        "-s", "ip-22", "-n", "20", "-c", "4", "--warmup-max", "2", "--json", "--chart",
        chart.toString());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode report = Json.mapper().readTree(result.out());
    // Every source warmed up (20 each, then rounds while the JIT compiles), bounded by 2 s.
    JsonNode warmup = report.get("warmup");
    assertThat(warmup.get("setups").asLong()).isGreaterThanOrEqualTo(40);
    assertThat(warmup.get("seconds").asDouble()).isLessThan(2.0 + 10);
    assertThat(warmup.get("jit_idle").isBoolean()).isTrue();
    assertThat(report.get("sources")).hasSize(2);
    for (JsonNode row : report.get("sources")) {
      assertThat(row.get("ok").asInt()).isEqualTo(20);
      assertThat(row.get("failed").asInt()).isZero();
      JsonNode latency = row.get("latency");
      assertThat(latency.get("p50_us").asDouble()).isPositive()
          .isLessThanOrEqualTo(latency.get("p99_us").asDouble());
      assertThat(latency.get("p99_us").asDouble())
          .isLessThanOrEqualTo(latency.get("max_us").asDouble());
      assertThat(latency.get("per_second").asDouble()).isPositive();
      JsonNode client = row.get("client");
      // The process CPU clock ticks in 10 ms, so 20 setups may read as no CPU at all;
      // ClientCostTest proves the clocks advance.
      assertThat(client.get("cpu_us_per_setup").asDouble()).isNotNegative();
      assertThat(client.get("cores_busy").asDouble()).isNotNegative();
      assertThat(client.get("cores_available").asInt()).isBetween(1, 2);
      assertThat(client.get("client_bound").isBoolean()).isTrue();
      assertThat(client.get("jit_ms").asLong()).isNotNegative();
      assertThat(client.get("gc_ms").asLong()).isNotNegative();
    }
    byte[] png = Files.readAllBytes(chart);
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
  }

  @Test
  void slicesOfTakingTurnsAddUpToEverySetupOfEverySource() throws Exception {
    Path policy = Policies.write(dir, "policy.lua", LUA);

    // 1,000 setups each: two slices of 500 per source, the sources taking turns.
    Cli.Result result = Cli.run("bench", "connect", "--policy", policy.toString(), "-s", "ip-1",
        "-s", "ip-22", "-n", "1000", "-c", "8", "--warmup", "0", "--json");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode report = Json.mapper().readTree(result.out());
    assertThat(report.get("warmup").get("setups").asLong()).isZero();
    for (JsonNode row : report.get("sources")) {
      assertThat(row.get("ok").asInt()).isEqualTo(1000);
      assertThat(row.get("latency").get("count").asInt()).isEqualTo(1000);
      assertThat(row.get("client").get("cpu_us_per_setup").asDouble()).isPositive();
    }
  }

  @Test
  void connectPrintsTheClientsOwnCostAndRunsLockstepOnRequest() {
    Path policy = Policies.write(dir, "policy.lua", LUA);

    Cli.Result result = Cli.run("bench", "connect", "--policy", policy.toString(), "-s", "ip-1",
        "-n", "10", "--warmup", "0", "--socks5-lockstep");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains("cpu/setup", "cores", "after 0 warm-up setups")
        .containsPattern("ip-1 +direct +10 +0 .* [0-9.]+(µs|ms) +[0-9.]+/[12]");
  }

  @Test
  void connectCountsFailuresByKindAndExitsOne() {
    Path policy = Policies.write(dir, "policy.lua", LUA);

    Cli.Result result = Cli.run("bench", "connect", "--policy", policy.toString(), "-s",
        "unplumbed", "-n", "5", "--warmup-max", "0");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.JOB_FAILED);
    assertThat(result.out()).contains("unplumbed: 5 failed with SOURCE_UNPLUMBED")
        .containsPattern("unplumbed +direct +0 +5 ");
  }

  @Test
  void connectRejectsAnAbsurdCount() {
    Path policy = Policies.write(dir, "policy.lua", LUA);

    Cli.Result result = Cli.run("bench", "connect", "--policy", policy.toString(), "-s", "a",
        "-n", "0");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(result.err()).contains("-n must be 1..");
  }

  @Test
  void policyComparesLuaAndJavaScriptAndFindsTheSameSources() throws Exception {
    Path lua = Policies.write(dir, "policy.lua", LUA);
    Path js = Policies.write(dir, "policy.js", JS);

    Cli.Result result = Cli.run("bench", "policy", "-p", lua.toString(), "-p", js.toString(),
        "-n", "200", "--warm-up", "0", "--loads", "2", "--json", "ip-1", "ip-22");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode report = Json.mapper().readTree(result.out());
    assertThat(report.get("same_sources").asBoolean()).isTrue();
    assertThat(report.get("policies")).hasSize(2);
    for (JsonNode row : report.get("policies")) {
      assertThat(row.get("load_ms").asDouble()).isPositive();
      assertThat(row.get("cold_load_ms").asDouble()).isPositive();
      // One more interpreter fits whenever the pool (one per CPU) has room for it.
      if (Runtime.getRuntime().availableProcessors() > 1) {
        assertThat(row.get("extra_interpreter_ms").asDouble()).isPositive();
        assertThat(row.get("extra_interpreter_cpu_ms").asDouble()).isPositive()
            .isLessThanOrEqualTo(row.get("extra_interpreter_ms").asDouble() + 1);
      }
      assertThat(row.get("call").get("count").asInt()).isEqualTo(200);
      assertThat(row.get("alloc_bytes_per_call").asLong()).isPositive();
    }
    assertThat(report.get("verdicts").toString()).contains("faster than");
  }

  @Test
  void policyReportsANameThePoliciesResolveDifferently() {
    Path lua = Policies.write(dir, "policy.lua", LUA);
    Path js = Policies.write(dir, "other.js", JS.replace("'.example'", "'.other.example'"));

    Cli.Result result = Cli.run("bench", "policy", "-p", lua.toString(), "-p", js.toString(),
        "-n", "10", "--warm-up", "0", "--loads", "1", "ip-1");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.JOB_FAILED);
    assertThat(result.out()).contains("mismatch: ip-1: policy.lua gives")
        .contains("ip-1.other.example");
  }
}
