package dev.egresskit.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The proxy and echo servers a loopback test starts, closed after each test: register it with
 * {@code @RegisterExtension final ProxyFixture servers = new ProxyFixture(registry);}. The
 * proxies close first, so their sessions drain while the echo servers still answer. It closes
 * after the class's own {@code @AfterEach} methods (JUnit runs extension callbacks outside them).
 */
final class ProxyFixture implements AfterEachCallback {

  private final MeterRegistry registry;
  private final List<Socks5ProxyServer> proxies = new ArrayList<>();
  private final List<EchoServer> echoes = new ArrayList<>();

  ProxyFixture(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A loopback proxy builder that counts into this fixture's registry. */
  Socks5ProxyServer.Builder loopback() {
    return TestProxies.loopback(registry);
  }

  /** Builds and starts the proxy; it is closed after the test. */
  Socks5ProxyServer start(Socks5ProxyServer.Builder builder) {
    Socks5ProxyServer proxy = builder.build().start();
    proxies.add(proxy);
    return proxy;
  }

  /** The proxy the test started last. */
  Socks5ProxyServer proxy() {
    return last(proxies, "proxy");
  }

  /** Starts an echo server on {@code ip}; it is closed after the test. */
  EchoServer echo(String ip, int expectedConnections) {
    EchoServer echo = new EchoServer(ip, expectedConnections);
    echoes.add(echo);
    return echo;
  }

  /** The echo server the test started last. */
  EchoServer echo() {
    return last(echoes, "echo server");
  }

  private static <T> T last(List<T> started, String what) {
    if (started.isEmpty()) {
      throw new IllegalStateException("no " + what + " started in this test");
    }
    return started.get(started.size() - 1);
  }

  /**
   * Closes the last proxy, which drains (every session has been counted once it returns), and
   * answers how many sessions failed for the reason.
   */
  double failed(String reason) {
    proxy().close();
    return TestProxies.count(registry, ProxyMetrics.FAILED, "reason", reason);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    proxies.forEach(Socks5ProxyServer::close);
    proxies.clear();
    echoes.forEach(EchoServer::close);
    echoes.clear();
  }
}
