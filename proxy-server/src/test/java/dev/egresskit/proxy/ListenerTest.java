package dev.egresskit.proxy;

import static dev.egresskit.proxy.TestProxies.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The listening side: on epoll every I/O thread listens on the address itself and serves what it
 * accepts (no accepting thread hands connections over); the port stays the server's own.
 */
class ListenerTest {

  private static final int CONNECTIONS = 32;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void everyConnectionIsServedWithoutAnAcceptingThreadOnEpoll() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Set<String> before = acceptThreads();
    try (EchoServer echo = new EchoServer("127.0.0.1", CONNECTIONS);
        Socks5ProxyServer proxy = TestProxies.loopback(registry).ioThreads(2).build().start()) {
      Set<String> started = acceptThreads();
      started.removeAll(before);
      if (proxy.transport().equals("epoll")) {
        assertThat(started).as("threads that only accept").isEmpty();
      } else {
        assertThat(started).as("NIO keeps one accepting thread").hasSize(1);
      }
      for (int i = 0; i < CONNECTIONS; i++) {
        relayOneByte(proxy.address(), echo, (byte) i);
      }
      assertThat(echo.awaitClosed(Duration.ofSeconds(30))).isTrue();
      assertThat(count(registry, ProxyMetrics.ACCEPTED)).isEqualTo(CONNECTIONS);
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aPortIsListenedOnAgainOnceItsServerHasClosed() throws Exception {
    try (EchoServer echo = new EchoServer("127.0.0.1", 2)) {
      InetSocketAddress address;
      try (Socks5ProxyServer first =
          TestProxies.loopback(new SimpleMeterRegistry()).build().start()) {
        address = first.address();
        relayOneByte(address, echo, (byte) 1); // leaves connections in TIME_WAIT on the port
      }
      try (Socks5ProxyServer second = Socks5ProxyServer.builder().listen(address).build().start()) {
        assertThat(second.address()).isEqualTo(address);
        relayOneByte(address, echo, (byte) 2);
      }
    }
  }

  private static void relayOneByte(InetSocketAddress proxy, EchoServer echo, byte value)
      throws Exception {
    try (RawSocksClient c = RawSocksClient.connect(proxy)) {
      ByteArrayOutputStream flight = new ByteArrayOutputStream();
      flight.writeBytes(new byte[] {5, 1, 0});
      flight.writeBytes(
          RawSocksClient.request(1, echo.address().getAddress(), echo.address().getPort()));
      flight.write(value);
      c.send(flight.toByteArray());
      assertThat(c.read(2)).containsExactly(5, 0);
      assertThat(c.readReply()[1]).isEqualTo((byte) 0);
      assertThat(c.read(1)).containsExactly(value);
      c.shutdownOutput();
      assertThat(c.readToEnd()).isEmpty();
    }
  }

  private static Set<String> acceptThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(name -> name.startsWith("egresskit-proxy-accept"))
        .collect(Collectors.toSet());
  }
}
