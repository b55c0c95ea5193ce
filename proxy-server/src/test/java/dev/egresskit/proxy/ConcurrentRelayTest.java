package dev.egresskit.proxy;

import static dev.egresskit.proxy.TestProxies.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many relays open at once on loopback, with every byte accounted for. */
class ConcurrentRelayTest {

  private static final int RELAYS = 500;
  private static final int BYTES_EACH = 16 * 1024;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void fiveHundredConcurrentRelaysDeliverEveryByte() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<RawSocksClient> clients = new ArrayList<>(RELAYS);
    try (EchoServer echo = new EchoServer("127.0.0.1", RELAYS)) {
      Socks5ProxyServer proxy = TestProxies.loopback(registry).ioThreads(2).build().start();
      try {
        byte[] handshake = handshake(echo);
        // Open every relay first, so all of them are alive at the same time.
        for (int i = 0; i < RELAYS; i++) {
          RawSocksClient c = RawSocksClient.connect(proxy.address());
          clients.add(c);
          c.send(handshake);
        }
        for (RawSocksClient c : clients) {
          assertThat(c.read(2)).containsExactly(5, 0);
          assertThat(c.readReply()[1]).isEqualTo((byte) 0);
        }
        assertThat(TestProxies.gauge(registry, ProxyMetrics.ACTIVE)).isEqualTo(RELAYS);

        // 16 KiB each way per relay fits in loopback socket buffers, so writing all before
        // reading any cannot deadlock.
        for (int i = 0; i < RELAYS; i++) {
          clients.get(i).send(payload(i));
        }
        for (int i = 0; i < RELAYS; i++) {
          assertThat(clients.get(i).read(BYTES_EACH)).as("relay %d", i).isEqualTo(payload(i));
        }
        for (RawSocksClient c : clients) {
          c.close();
        }
        assertThat(echo.awaitClosed(Duration.ofSeconds(30))).isTrue();
      } finally {
        for (RawSocksClient c : clients) {
          c.close();
        }
        proxy.close(); // drains, so the counters below are final
      }
      long total = (long) RELAYS * BYTES_EACH;
      assertThat(echo.received()).isEqualTo(total);
      assertThat(count(registry, ProxyMetrics.BYTES_UP)).isEqualTo(total);
      assertThat(count(registry, ProxyMetrics.BYTES_DOWN)).isEqualTo(total);
      assertThat(count(registry, ProxyMetrics.ACCEPTED)).isEqualTo(RELAYS);
      assertThat(count(registry, ProxyMetrics.COMPLETED)).isEqualTo(RELAYS);
      assertThat(count(registry, ProxyMetrics.FAILED)).isZero();
      assertThat(TestProxies.gauge(registry, ProxyMetrics.ACTIVE)).isZero();
    }
  }

  private static byte[] handshake(EchoServer echo) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {5, 1, 0});
    b.writeBytes(RawSocksClient.request(1, echo.address().getAddress(), echo.address().getPort()));
    return b.toByteArray();
  }

  private static byte[] payload(int relay) {
    byte[] bytes = new byte[BYTES_EACH];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (relay * 31 + i * 7);
    }
    return bytes;
  }
}
