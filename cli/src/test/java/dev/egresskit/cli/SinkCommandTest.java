package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.cli.output.Json;
import dev.egresskit.cli.run.MetricsEndpoint;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkCommandTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void sinkPrintsEachSessionWithThePeerAndEhloAndStopsOnRequest() throws Exception {
    try (Cli.Background sink = Cli.start("sink", "--listen", "127.0.0.1:0")) {
      InetSocketAddress address = sink.lifecycle.awaitStarted(1, WAIT).get("sink");

      List<String> replies = SmtpClient.ehloAndQuit(InetAddress.getByName("127.0.0.5"), address,
          "client.example");
      List<String> lines = sink.out.awaitLines(1, WAIT);
      Cli.Result result = sink.stop(WAIT);

      assertThat(replies.get(0)).startsWith("220 sink.egresskit.test");
      assertThat(lines.get(0)).startsWith("#1 127.0.0.5:")
          .contains(" -> " + Endpoints.format(address))
          .contains("ehlo=client.example")
          .contains("end=QUIT");
      assertThat(result.exitCode()).isZero();
      assertThat(result.err())
          .contains("sink listening on " + Endpoints.format(address))
          .contains("sink stopped after 1 session");
    }
    // Stopped means closed: the port can be bound again.
  }

  @Test
  void theListenerIsClosedWhenTheSinkStops() throws Exception {
    InetSocketAddress address;
    try (Cli.Background sink = Cli.start("sink", "--listen", "127.0.0.1:0")) {
      address = sink.lifecycle.awaitStarted(1, WAIT).get("sink");
      assertThat(sink.stop(WAIT).exitCode()).isZero();
    }
    try (ServerSocket again = new ServerSocket()) {
      again.bind(address);
      assertThat(again.isBound()).isTrue();
    }
  }

  @Test
  void sinkWithJsonPrintsOneObjectPerSessionAndCountsThemInMetrics() throws Exception {
    try (Cli.Background sink = Cli.start("sink", "--listen", "127.0.0.1:0", "--json",
        "--metrics", "127.0.0.1:0")) {
      Map<String, InetSocketAddress> started = sink.lifecycle.awaitStarted(2, WAIT);

      SmtpClient.ehloAndQuit(InetAddress.getByName("127.0.0.6"), started.get("sink"), "json.example");
      String line = sink.out.awaitLines(1, WAIT).get(0);
      HttpResponse<String> scrape = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://" + Endpoints.format(started.get("metrics"))
              + "/metrics")).timeout(WAIT).build(),
          HttpResponse.BodyHandlers.ofString());
      sink.stop(WAIT);

      JsonNode session = Json.mapper().readTree(line);
      assertThat(session.get("peer").asText()).startsWith("127.0.0.6:");
      assertThat(session.get("effective_source").asText()).startsWith("127.0.0.6:");
      assertThat(session.get("ehlo").asText()).isEqualTo("json.example");
      assertThat(session.get("proxy_header").isNull()).isTrue();
      assertThat(session.get("end_reason").asText()).isEqualTo("QUIT");
      assertThat(session.get("commands")).hasSize(2);
      assertThat(session.get("command_count").asInt()).isEqualTo(2);
      assertThat(session.get("messages").asInt()).isZero();
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type")).contains(MetricsEndpoint.CONTENT_TYPE);
      assertThat(scrape.body()).contains("egresskit_sink_sessions_total{outcome=\"quit\"} 1.0");
    }
  }

  @Test
  void sinkWithProxyProtocolRecordsTheHeadersSource() throws Exception {
    try (Cli.Background sink = Cli.start("sink", "--listen", "127.0.0.1:0", "--proxy-protocol",
        "--json")) {
      InetSocketAddress address = sink.lifecycle.awaitStarted(1, WAIT).get("sink");

      try (Socket socket = new Socket()) {
        socket.setSoTimeout(5000);
        socket.connect(address, 5000);
        OutputStream out = socket.getOutputStream();
        out.write(("PROXY TCP4 127.0.0.9 127.0.0.1 4321 25\r\nEHLO behind.example\r\nQUIT\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        socket.getInputStream().readAllBytes();
      }
      JsonNode session = Json.mapper().readTree(sink.out.awaitLines(1, WAIT).get(0));
      sink.stop(WAIT);

      assertThat(session.get("peer").asText()).startsWith("127.0.0.1:");
      assertThat(session.get("proxy_header").get("version").asInt()).isEqualTo(1);
      assertThat(session.get("effective_source").asText()).isEqualTo("127.0.0.9:4321");
      assertThat(session.get("ehlo").asText()).isEqualTo("behind.example");
    }
  }

  @Test
  void sinkOnAPortInUseFailsWithExitOne() throws Exception {
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress("127.0.0.1", 0));

      Cli.Result result = Cli.run("sink", "--listen", "127.0.0.1:" + busy.getLocalPort());

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err()).contains("failed: sink: cannot listen on");
    }
  }
}
