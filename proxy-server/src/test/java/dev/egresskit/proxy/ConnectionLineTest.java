package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.testkit.await.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The connection line's text and its hand-over to a {@link ConnectionLog}: each line once,
 * then a flush on the same I/O thread once it has handled what was ready.
 */
class ConnectionLineTest {

  @Test
  void addressesReadAsNettyWritesThem() throws Exception {
    for (String ip : List.of("127.0.0.1", "0.0.0.0", "255.254.253.252", "::1", "2001:db8::7",
        "fe80::1:2:3:4", "::ffff:192.0.2.1")) {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(ip), 40112);
      StringBuilder line = new StringBuilder();
      ConnectionLine.address(line, "client", address);
      assertThat(line.toString()).isEqualTo(" client=" + NetUtil.toSocketAddressString(address));
    }
    StringBuilder none = new StringBuilder();
    ConnectionLine.address(none, "client", null);
    assertThat(none.toString()).isEmpty();
  }

  /** What a {@link ConnectionLog} saw, in order, with the thread of each call. */
  private static final class Recording implements ConnectionLog {
    final List<String> events = new ArrayList<>();

    @Override
    public synchronized void line(CharSequence line) {
      events.add("line " + Thread.currentThread().getName() + " " + line);
    }

    @Override
    public synchronized void flush() {
      events.add("flush " + Thread.currentThread().getName());
    }

    synchronized List<String> snapshot() {
      return List.copyOf(events);
    }
  }

  @Test
  void everyLineIsFollowedByAFlushOnItsIoThread() throws Exception {
    Recording log = new Recording();
    try (EchoServer echo = new EchoServer("127.0.0.1", 1);
        Socks5ProxyServer proxy = TestProxies.loopback(new SimpleMeterRegistry())
            .ioThreads(1).connectionLines(log).build().start()) {
      for (int i = 0; i < 3; i++) {
        try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
          c.greet(0);
          c.connectTo(echo.address());
          c.send(new byte[] {1, 2, 3});
          assertThat(c.read(3)).containsExactly(1, 2, 3);
        }
        int lines = i + 1;
        Await.until(() -> log.snapshot().stream().filter(e -> e.startsWith("line")).count() == lines
            && log.snapshot().get(log.snapshot().size() - 1).startsWith("flush"),
            Duration.ofSeconds(5), "line " + lines + " and its flush");
      }
    }
    List<String> events = log.snapshot();
    List<String> lines = events.stream().filter(e -> e.startsWith("line")).toList();
    assertThat(lines).hasSize(3).allSatisfy(line -> assertThat(line)
        .startsWith("line egresskit-proxy-io-").contains(" socks5 connection ended listener=")
        .contains(" relay=copy bytes_client_to_dest=3 bytes_dest_to_client=3 duration_ms=")
        .endsWith(" outcome=completed"));
    // The reused buffer carries nothing from one line into the next.
    assertThat(lines).allSatisfy(line ->
        assertThat(line.split("socks5 connection ended", -1)).hasSize(2));
    String ioThread = lines.get(0).split(" ")[1];
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).startsWith("line")) {
        assertThat(events.subList(i, events.size()))
            .as("a flush after " + events.get(i)).contains("flush " + ioThread);
      }
    }
  }
}
