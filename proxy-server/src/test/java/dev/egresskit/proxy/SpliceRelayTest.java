package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.testkit.tls.TestCertificate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.epoll.Epoll;
import java.io.DataInputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every {@link RelayTest} again with {@code useSplice(true)} (bulk transfers with half-close
 * each way, FIN queued behind megabytes, early data, idle timeout, shutdown, byte counts), and
 * proof that the relays really spliced or, where they cannot, really fell back to the copy.
 */
class SpliceRelayTest extends RelayTest {

  private final List<String> lines = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void epollIsHere() {
    // This machine is Linux x86-64 with Netty's native library: the splice path must be tested.
    assertThat(Epoll.isAvailable()).as("epoll available (%s)", Epoll.unavailabilityCause()).isTrue();
  }

  @Override
  Socks5ProxyServer.Builder loopback() {
    return super.loopback().useSplice(true).connectionLog(lines::add);
  }

  @Test
  void relaysReallySpliceAndSayWhich() throws Exception {
    try (BulkPeer peer = new BulkPeer(payload(1024 * 1024, 5), false);
        Socks5ProxyServer proxy = loopback().build().start()) {
      try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
        c.greet(0);
        c.connectTo(peer.address());
        c.send(payload(100_000, 6));
        c.shutdownOutput();
        assertThat(c.readToEnd()).isEqualTo(payload(1024 * 1024, 5));
      }
      assertThat(peer.received(Duration.ofSeconds(10))).isEqualTo(payload(100_000, 6));
    }
    assertThat(lines).singleElement().asString()
        .contains(" relay=splice ")
        .contains(" bytes_client_to_dest=100000 ")
        .contains(" bytes_dest_to_client=1048576 ")
        .contains(" outcome=completed");
    // The megabyte went through pipes, not through the 16 KiB copy buffer a relay starts with.
    assertThat(TestProxies.count(registry, ProxyMetrics.PIPES_OPENED)).isBetween(1.0, 2.0);
    assertThat(TestProxies.count(registry, ProxyMetrics.BYTES_SPLICED))
        .isGreaterThan(1024 * 1024 / 2).isLessThanOrEqualTo(1024 * 1024 + 100_000);
    // Closed relays give their grown pipes back (none are grown on Java 17).
    assertThat(PipeSize.grown()).isZero();
  }

  /** An MTA-like session: small messages each way, as SMTP's commands and replies are. */
  @Test
  void aShortSessionSplicesNothingAndOpensNoPipe() throws Exception {
    EchoServer echo = new EchoServer("127.0.0.1", 1);
    try (Socks5ProxyServer proxy = loopback().build().start();
        RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      c.greet(0);
      c.connectTo(echo.address());
      for (int i = 0; i < 10; i++) {
        byte[] line = payload(200, 20 + i);
        c.send(line);
        assertThat(c.read(line.length)).isEqualTo(line);
      }
      c.shutdownOutput();
      assertThat(c.readToEnd()).isEmpty();
      assertThat(echo.awaitClosed(Duration.ofSeconds(10))).isTrue();
    } finally {
      echo.close();
    }
    assertThat(lines).singleElement().asString()
        .contains(" relay=splice ")
        .contains(" bytes_client_to_dest=2000 ")
        .contains(" bytes_dest_to_client=2000 ")
        .contains(" outcome=completed");
    assertThat(TestProxies.count(registry, ProxyMetrics.PIPES_OPENED)).isZero();
    assertThat(TestProxies.count(registry, ProxyMetrics.BYTES_SPLICED)).isZero();
    assertThat(TestProxies.count(registry, ProxyMetrics.BYTES_UP)).isEqualTo(2000);
  }

  /** Also: a pipelined greeting + CONNECT over TLS reaches the decoders decrypted, once. */
  @Test
  void aTlsListenerCopiesBecauseTheBytesMustBeDecrypted() throws Exception {
    ProxyTls tls = ProxyTls.selfSigned("localhost");
    byte[] down = payload(200_000, 8);
    try (BulkPeer peer = new BulkPeer(down, true);
        Socks5ProxyServer proxy = loopback().tls(tls).build().start()) {
      assertThat(proxy.transport()).isEqualTo("epoll");
      try (SSLSocket socket = (SSLSocket) TestCertificate.trusting(tls.generatedCertificate())
          .getSocketFactory()
          .createSocket(proxy.address().getAddress(), proxy.address().getPort())) {
        socket.setSoTimeout(10_000);
        byte[] ip = peer.address().getAddress().getAddress();
        int port = peer.address().getPort();
        socket.getOutputStream().write(new byte[] {5, 1, 0, 5, 1, 0, 1, ip[0], ip[1], ip[2], ip[3],
            (byte) (port >> 8), (byte) port});
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] replies = new byte[2 + 10];
        in.readFully(replies);
        assertThat(replies[3]).as("CONNECT reply code").isZero();
        byte[] back = new byte[down.length];
        in.readFully(back);
        assertThat(back).isEqualTo(down);
      }
    }
    assertThat(lines).singleElement().asString()
        .contains(" relay=copy ")
        .contains(" bytes_dest_to_client=200000 ");
  }


  @Test
  void withoutEpollTheSwitchFallsBackToTheCopy() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (BulkPeer peer = new BulkPeer(payload(300_000, 7), false);
        Socks5ProxyServer proxy = TestProxies.loopback(registry).useSplice(true)
            .nativeTransport(false).connectionLog(lines::add).build().start()) {
      assertThat(proxy.transport()).isEqualTo("nio");
      try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
        c.greet(0);
        c.connectTo(peer.address());
        c.send(new byte[] {1, 2, 3});
        c.shutdownOutput();
        assertThat(c.readToEnd()).isEqualTo(payload(300_000, 7));
      }
      assertThat(peer.received(Duration.ofSeconds(10))).containsExactly(1, 2, 3);
    }
    assertThat(lines).singleElement().asString()
        .contains(" relay=copy ")
        .contains(" bytes_dest_to_client=300000 ");
  }
}
