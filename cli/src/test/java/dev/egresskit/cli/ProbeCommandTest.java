package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.cli.output.Json;
import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeCommandTest {
  @TempDir Path dir;

  private Path policy() {
    return Policies.write(dir, "policy.lua", """
        kumo.on('get_egress_source', function(name)
          return kumo.make_egress_source {
            name = name, source_address = '127.0.0.5', ehlo_domain = 'probe.example',
          }
        end)
        """);
  }

  @Test
  void probeConnectsFromTheSourceAddressAndReportsWhatTheServerSaw() {
    try (SmtpSink sink = SmtpSink.builder().build().start()) {
      String dest = Endpoints.format(sink.address());

      Cli.Result result = Cli.run("probe", "--policy", policy().toString(), "--source", "ip-5",
          dest);

      assertThat(result.exitCode()).as(result.toString()).isZero();
      SinkSession seen = sink.awaitSessions(1, Duration.ofSeconds(5)).get(0);
      assertThat(seen.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.5");
      assertThat(seen.ehlo()).contains("probe.example");
      assertThat(result.out())
          .contains("probe ip-5 -> " + dest + " (direct)")
          .contains("server sees    " + Endpoints.format(seen.peer()) + " (direct)")
          .contains("banner         220 sink.egresskit.test")
          .contains("EHLO sent      probe.example")
          .containsPattern("timings +(resolve \\S+ +)?connect \\S+ +handshake \\S+ +banner \\S+"
              + " +ehlo \\S+ +total \\S+")
          .endsWith("ok\n");
    }
  }

  @Test
  void theEhloOverrideAndJsonOutputAreHonoured() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().build().start()) {
      Cli.Result result = Cli.run("probe", "--policy", policy().toString(), "-s", "ip-5",
          "--ehlo", "override.example", "--json", Endpoints.format(sink.address()));

      assertThat(result.exitCode()).as(result.toString()).isZero();
      JsonNode json = Json.mapper().readTree(result.out());
      SinkSession seen = sink.awaitSessions(1, Duration.ofSeconds(5)).get(0);
      assertThat(seen.ehlo()).contains("override.example");
      assertThat(json.get("result").get("reported_source").asText())
          .isEqualTo(Endpoints.format(seen.peer()));
      assertThat(json.get("result").get("timings_us").get("total").asLong()).isPositive();
    }
  }

  @Test
  void aRefusedConnectionFailsWithExitOneAndTheFailureKind() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      closedPort = socket.getLocalPort();
    }

    Cli.Result result = Cli.run("probe", "--policy", policy().toString(), "-s", "ip-5",
        "--timeout", "3s", "127.0.0.1:" + closedPort);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("failed: probe ip-5 (DESTINATION_FAILED)")
        .contains("127.0.0.1:" + closedPort);
  }

  @Test
  void aSourceThePolicyCannotResolveIsBadInput() {
    Path broken = Policies.write(dir, "broken.lua", """
        kumo.on('get_egress_source', function(name) error('no such source ' .. name) end)
        """);

    Cli.Result result = Cli.run("probe", "--policy", broken.toString(), "-s", "x", "127.0.0.1");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("get_egress_source 'x'").contains("no such source x");
  }

  @Test
  void withHealthOnAnUnreachableRedisTheProbeStillConnects() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      closed = socket.getLocalPort();
    }
    try (SmtpSink sink = SmtpSink.builder().build().start()) {
      Cli.Result result = Cli.run("probe", "--policy", policy().toString(), "-s", "ip-5",
          "--health", "redis://127.0.0.1:" + closed, Endpoints.format(sink.address()));

      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.out()).endsWith("ok\n");
    }
  }

  @Test
  void aHealthUrlThatIsNotRedisIsBadInputNamingTheOption() {
    Cli.Result result = Cli.run("probe", "--policy", policy().toString(), "-s", "ip-5",
        "--health", "http://ops:pw123@cache:6379", "127.0.0.1:25");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).contains("--health shared health URL http://ops:***@cache:6379")
        .doesNotContain("pw123");
  }
}
