package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.TcpKeepalive;
import dev.egresskit.core.policy.TlsIdentity;
import dev.egresskit.testkit.tls.TestCertificate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.NetUtil;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** {@code use_tls} with a generated certificate, TLS failures counted, and tcp_keepalive. */
class ProxyTlsAndKeepaliveTest {

  @Test
  void aSelfSignedCertificateIsMadeForTheHostnameAndClientsSpeakSocksOverIt() throws Exception {
    ProxyTls tls = ProxyTls.selfSigned("localhost");
    X509Certificate certificate = tls.generatedCertificate();
    assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    assertThat(certificate.getSubjectAlternativeNames()).containsExactly(List.of(2, "localhost"));
    certificate.checkValidity();
    assertThat(ProxyTls.selfSigned("192.0.2.1").generatedCertificate()
        .getSubjectAlternativeNames()).containsExactly(List.of(7, "192.0.2.1"));

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    java.util.Queue<String> lines = new java.util.concurrent.ConcurrentLinkedQueue<>();
    try (Socks5ProxyServer proxy = TestProxies.loopback(registry).tls(tls)
        .connectionLog(lines::add).build().start()) {
      String listener = NetUtil.toSocketAddressString(proxy.address());
      try (SSLSocket socket = (SSLSocket) TestCertificate.trusting(certificate).getSocketFactory()
          .createSocket(proxy.address().getAddress(), proxy.address().getPort())) {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(new byte[] {5, 1, 0});
        byte[] method = new byte[2];
        new DataInputStream(socket.getInputStream()).readFully(method);
        assertThat(method).containsExactly(5, 0);
      }
      assertThat(TestProxies.count(registry, ProxyMetrics.TLS_FAILURES, "listener", listener))
          .isZero();

      try (Socket plain = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
        plain.setSoTimeout(10_000);
        // A one-flight greeting and RFC 1929 frame sent in clear to the TLS port.
        byte[] secret = "pw-in-clear".getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream flight = new java.io.ByteArrayOutputStream();
        flight.write(new byte[] {5, 1, 2, 1, 4, 'u', 's', 'e', 'r', (byte) secret.length});
        flight.write(secret);
        plain.getOutputStream().write(flight.toByteArray());
        InputStream in = plain.getInputStream();
        byte[] buffer = new byte[64];
        int total = 0;
        for (int n; total < buffer.length && (n = in.read(buffer, total, buffer.length - total)) > 0;) {
          total += n;
        }
        assertThat(new String(buffer, 0, total, StandardCharsets.ISO_8859_1))
            .as("no SOCKS5 answer to a client that does not speak TLS").doesNotContain("\u0005\u0000");
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (TestProxies.count(registry, ProxyMetrics.TLS_FAILURES, "listener", listener) < 1
          && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(TestProxies.count(registry, ProxyMetrics.TLS_FAILURES, "listener", listener))
          .isEqualTo(1.0);
    }
    // closing the server drained every connection, so its line has been written
    String hexOfSecret = io.netty.buffer.ByteBufUtil.hexDump(
        "pw-in-clear".getBytes(StandardCharsets.US_ASCII));
    assertThat(String.join("\n", lines)).hasLineCount(2).doesNotContain("pw-in-clear").doesNotContainIgnoringCase(hexOfSecret);
  }

  /**
   * Megabytes each way through a TLS listener, the client half-closing (TLS close_notify) after
   * its 3 MiB: every byte arrives, in order, both ways.
   */
  @Test
  void megabytesCrossATlsListenerBothWaysWithHalfClose() throws Exception {
    ProxyTls tls = ProxyTls.selfSigned("localhost");
    byte[] down = RelayTest.payload(8 * 1024 * 1024 + 7, 9);
    byte[] up = RelayTest.payload(3 * 1024 * 1024 + 1, 10);
    try (Socks5ProxyServer proxy = TestProxies.loopback(new SimpleMeterRegistry()).tls(tls)
        .build().start(); BulkPeer peer = new BulkPeer(down, false);
        SSLSocket socket = (SSLSocket) TestCertificate.trusting(tls.generatedCertificate())
            .getSocketFactory()
            .createSocket(proxy.address().getAddress(), proxy.address().getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      out.write(new byte[] {5, 1, 0});
      out.write(RawSocksClient.request(1, peer.address().getAddress(), peer.address().getPort()));
      out.flush();
      byte[] replies = new byte[2 + 10];
      in.readFully(replies);
      assertThat(replies[1]).as("method").isZero();
      assertThat(replies[3]).as("CONNECT reply").isZero();
      // The client reads while it writes: a relay that stops reading one way must not stall.
      CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
        try {
          out.write(up);
          out.flush();
          socket.shutdownOutput();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, BulkPeer.OWN_THREAD);
      byte[] back = in.readAllBytes();
      sending.get(30, TimeUnit.SECONDS);

      assertThat(back.length).as(peer::describe).isEqualTo(down.length);
      assertThat(back).isEqualTo(down);
      assertThat(peer.received(Duration.ofSeconds(30))).isEqualTo(up);
    }
  }

  @Test
  void aKeyThatIsNotPemIsRefusedNamingTheFilesNeverTheKey() {
    TlsIdentity identity = new TlsIdentity("-----BEGIN CERTIFICATE-----\nAAAA\n-----END"
        + " CERTIFICATE-----\n", "secret key text", "certificate cert.pem, key key.pem");
    assertThatThrownBy(() -> ProxyTls.of(identity))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot use the TLS certificate cert.pem, key key.pem: ")
        .hasMessageNotContaining("secret key text");
    assertThat(identity.toString()).doesNotContain("secret key text");
  }

  @Test
  void tcpKeepaliveTimingReachesTheAcceptedSocket() throws Exception {
    TcpKeepalive keepalive = new TcpKeepalive(true, Duration.ofMinutes(2),
        Duration.ofSeconds(15), 4);
    try (Socks5ProxyServer proxy = TestProxies.loopback(new SimpleMeterRegistry())
        .tcpKeepalive(keepalive).build().start();
        RawSocksClient client = RawSocksClient.connect(proxy.address())) {
      assertThat(client.greet(0)).containsExactly(5, 0);
      String timers = ss(proxy.address().getPort());
      assertThat(timers).as(timers).contains("timer:(keepalive,");
      if (proxy.transport().equals("epoll")) {
        // TCP_KEEPIDLE is 2 minutes, not the kernel's 2 hours.
        assertThat(timers).containsPattern("keepalive,(1min|2min)");
      }
    }
    try (Socks5ProxyServer proxy = TestProxies.loopback(new SimpleMeterRegistry())
        .tcpKeepalive(new TcpKeepalive(false, Duration.ofMinutes(5), Duration.ofSeconds(30), 3))
        .build().start();
        RawSocksClient client = RawSocksClient.connect(proxy.address())) {
      assertThat(client.greet(0)).containsExactly(5, 0);
      String timers = ss(proxy.address().getPort());
      assertThat(timers).as(timers).contains(":" + proxy.address().getPort())
          .doesNotContain("keepalive");
    }
  }

  /** The proxy side of established connections on {@code port}, with their timers. */
  private static String ss(int port) throws Exception {
    Process process = new ProcessBuilder("ss", "-tnoH", "state", "established",
        "( sport = :" + port + " )").redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return new String(out, StandardCharsets.UTF_8);
  }

}
