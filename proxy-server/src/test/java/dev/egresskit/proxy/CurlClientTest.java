package dev.egresskit.proxy;

import static dev.egresskit.proxy.TestProxies.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** curl, a real standard SOCKS5 client, through the proxy's plain CONNECT path. */
class CurlClientTest {

  private static final String BODY = "hello through the proxy\n";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<InetSocketAddress> httpPeers = new CopyOnWriteArrayList<>();
  private HttpServer http;
  private Socks5ProxyServer proxy;

  @BeforeEach
  void startHttp() throws IOException {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    http.createContext("/", exchange -> {
      httpPeers.add(exchange.getRemoteAddress());
      byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    http.start();
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    http.stop(0);
  }

  private record Result(int exit, String out) {}

  private Result curl(String... proxyArgs) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-s", "--max-time", "10"));
    command.addAll(List.of(proxyArgs));
    command.add("http://127.0.0.1:" + http.getAddress().getPort() + "/");
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("curl is required for this test (.ci/run installs it): " + e.getMessage(), e);
    }
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("curl finished").isTrue();
    return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private String socks() {
    return "127.0.0.1:" + proxy.address().getPort();
  }

  @Test
  void curlFetchesAPageThroughPlainConnect() throws Exception {
    proxy = TestProxies.loopback(registry).build().start();

    Result result = curl("--socks5", socks());

    assertThat(result.exit()).as(result.out()).isZero();
    assertThat(result.out()).isEqualTo(BODY);
    assertThat(httpPeers).hasSize(1);
    proxy.close();
    assertThat(TestProxies.count(registry, ProxyMetrics.COMPLETED)).isEqualTo(1);
    assertThat(TestProxies.count(registry, ProxyMetrics.BYTES_DOWN)).isGreaterThan(BODY.length());
  }

  @Test
  void curlAuthenticatesWithUsernameAndPassword() throws Exception {
    proxy = TestProxies.loopback(registry).credentials(ALICE).requireAuth(true).build().start();

    Result result = curl("--socks5", socks(), "--proxy-user", "alice:s3cret");

    assertThat(result.exit()).as(result.out()).isZero();
    assertThat(result.out()).isEqualTo(BODY);
  }

  @Test
  void curlWithAWrongPasswordIsRefusedAndNothingIsFetched() throws Exception {
    proxy = TestProxies.loopback(registry).credentials(ALICE).requireAuth(true).build().start();

    Result result = curl("--socks5", socks(), "--proxy-user", "alice:wrong");

    assertThat(result.exit()).isNotZero();
    assertThat(httpPeers).isEmpty();
    proxy.close();
    assertThat(TestProxies.count(registry, ProxyMetrics.FAILED, "reason", "auth_failed")).isEqualTo(1);
  }

  @Test
  void curlWithoutCredentialsIsRefusedWhenAuthIsRequired() throws Exception {
    proxy = TestProxies.loopback(registry).credentials(ALICE).requireAuth(true).build().start();

    Result result = curl("--socks5", socks());

    assertThat(result.exit()).isNotZero();
    assertThat(httpPeers).isEmpty();
  }
}
