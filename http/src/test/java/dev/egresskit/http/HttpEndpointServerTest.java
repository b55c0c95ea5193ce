package dev.egresskit.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP server's answers and its bounds, over real loopback sockets. */
class HttpEndpointServerTest {

  private static final int READ_TIMEOUT_MILLIS = 10_000;
  private static final String METRICS = "# TYPE up gauge\nup 1.0\n";

  private HttpEndpointServer server;
  private final List<Socket> sockets = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() throws IOException {
    release.countDown();
    for (Socket s : sockets) {
      s.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private HttpEndpointServer start(HttpLimits limits) {
    server = HttpEndpointServer.builder()
        .listen(new InetSocketAddress("127.0.0.1", 0))
        .endpoint("/metrics", exchange -> HttpAnswer.text(200, "text/plain; version=0.0.4", METRICS))
        .endpoint("/stuck", exchange -> {
          release.await(30, TimeUnit.SECONDS);
          return HttpAnswer.text(200, HttpAnswer.TEXT, "late\n");
        })
        .limits(limits)
        .build()
        .start();
    return server;
  }

  private Socket open() throws IOException {
    Socket socket = new Socket();
    sockets.add(socket);
    socket.connect(server.address(), READ_TIMEOUT_MILLIS);
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Sends one request with Connection: close and returns the whole answer. */
  private String exchange(String requestLine) throws IOException {
    Socket socket = open();
    send(socket, requestLine + "\r\nHost: test\r\nConnection: close\r\n\r\n");
    return readAll(socket);
  }

  private static String readAll(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void aHalfSentRequestDoesNotStallAnotherClientsScrapeAndEndsWith408AtItsTimeout() throws Exception {
    start(HttpLimits.defaults().withRequest(Duration.ofMillis(500)));
    Socket slow = open();
    send(slow, "GET /metrics HTTP/1.1\r\nHost: test\r\nX-Half: ");
    List<Socket> dripping = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Socket s = open();
      send(s, "GET /met");
      dripping.add(s);
    }

    String scrape = exchange("GET /metrics HTTP/1.1");
    assertThat(scrape).startsWith("HTTP/1.1 200 OK").endsWith(METRICS);

    assertThat(readAll(slow)).startsWith("HTTP/1.1 408");
    for (Socket s : dripping) {
      assertThat(readAll(s)).startsWith("HTTP/1.1 408");
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAtTheRequestTimeoutAfterItsAnswer() throws Exception {
    start(HttpLimits.defaults().withRequest(Duration.ofMillis(500)));
    Socket socket = open();
    send(socket, "GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n");
    String both = readAll(socket);
    assertThat(both).startsWith("HTTP/1.1 200 OK").contains("HTTP/1.1 408");
  }

  @Test
  void aSlowHandlerIsAnswered503AtTheHandlerTimeoutWhileOtherPathsAreAnswered() throws Exception {
    start(HttpLimits.defaults().withHandler(Duration.ofMillis(300)));
    Socket stuck = open();
    send(stuck, "GET /stuck HTTP/1.1\r\nHost: test\r\n\r\n");
    assertThat(exchange("GET /metrics HTTP/1.1")).startsWith("HTTP/1.1 200 OK");
    assertThat(readAll(stuck)).startsWith("HTTP/1.1 503");
  }

  @Test
  void connectionsBeyondTheBoundAreClosedAndOthersAreServedAgainOnceTheyGo() throws Exception {
    start(HttpLimits.defaults().withMaxConnections(2).withRequest(Duration.ofMillis(500)));
    Socket a = open();
    Socket b = open();
    send(a, "GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n");
    send(b, "GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n");
    assertThat(new String(a.getInputStream().readNBytes(15), StandardCharsets.US_ASCII))
        .isEqualTo("HTTP/1.1 200 OK");
    assertThat(new String(b.getInputStream().readNBytes(15), StandardCharsets.US_ASCII))
        .isEqualTo("HTTP/1.1 200 OK");
    Socket third = open();
    assertThat(third.getInputStream().read()).isEqualTo(-1);

    readAll(a); // both end at their request timeout (408, then close)
    readAll(b);
    String again = null;
    for (int i = 0; i < 50 && again == null; i++) { // the closes are counted asynchronously
      String answer = exchange("GET /metrics HTTP/1.1");
      again = answer.isEmpty() ? null : answer;
    }
    assertThat(again).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void otherPathsAre404OtherMethods405AndHeadHasNoBody() throws Exception {
    start(HttpLimits.defaults());
    assertThat(exchange("GET /nope HTTP/1.1")).startsWith("HTTP/1.1 404").contains("try /metrics");
    assertThat(exchange("POST /metrics HTTP/1.1")).startsWith("HTTP/1.1 405").contains("allow: GET, HEAD");
    String head = exchange("HEAD /metrics HTTP/1.1");
    assertThat(head).startsWith("HTTP/1.1 200 OK").contains("content-length: " + METRICS.length())
        .doesNotContain("up 1.0");
  }

  @Test
  void anOversizedHeaderIsRefusedWith431() throws Exception {
    start(HttpLimits.defaults());
    String answer = exchange("GET /metrics HTTP/1.1\r\nX-Big: " + "a".repeat(40_000));
    assertThat(answer).startsWith("HTTP/1.1 431");
  }

  @Test
  void curlScrapesMetrics() throws Exception {
    start(HttpLimits.defaults());
    Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "20",
        "http://127.0.0.1:" + server.address().getPort() + "/metrics")
        .redirectErrorStream(true).start();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(curl.exitValue()).as(out).isZero();
    assertThat(out).isEqualTo(METRICS);
  }

  @Test
  void aWildcardOrPublicListenAddressCountsAsBeyondLoopback() {
    HttpEndpoint ok = exchange -> HttpAnswer.text(200, HttpAnswer.TEXT, "");
    assertThat(HttpEndpointServer.builder().listen(new InetSocketAddress("0.0.0.0", 0))
        .endpoint("/", ok).build().listensBeyondLoopback()).isTrue();
    assertThat(HttpEndpointServer.builder().listen(new InetSocketAddress("::1", 0))
        .endpoint("/", ok).build().listensBeyondLoopback()).isFalse();
  }
}
