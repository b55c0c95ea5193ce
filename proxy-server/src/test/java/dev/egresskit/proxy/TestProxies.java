package dev.egresskit.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

/** Shared set-up for the loopback tests. */
final class TestProxies {

  static final byte[] FAILURE_01 = {5, 1, 0, 1, 0, 0, 0, 0, 0, 0};
  /** One user, alice with password s3cret, hashed at the fewest iterations (fast to check). */
  static final ProxyCredentials ALICE = ProxyCredentials.parse("test", List.of(
      ProxyCredentials.hashLine("alice", "s3cret".toCharArray(), PasswordHash.MIN_ITERATIONS)));

  private TestProxies() {}

  static Socks5ProxyServer.Builder loopback(MeterRegistry registry) {
    return Socks5ProxyServer.builder()
        .listen(new InetSocketAddress("127.0.0.1", 0))
        .meterRegistry(registry);
  }

  /** {@code 05 REP 00 01 00 00 00 00 00 00}. */
  static byte[] failure(int rep) {
    return new byte[] {5, (byte) rep, 0, 1, 0, 0, 0, 0, 0, 0};
  }

  static double count(MeterRegistry registry, String name, String... tags) {
    return Search.in(registry).name(name).tags(tags).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  static double gauge(MeterRegistry registry, String name) {
    return registry.get(name).gauge().value();
  }

  /** A loopback port with nothing listening on it (bound, then released). */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
