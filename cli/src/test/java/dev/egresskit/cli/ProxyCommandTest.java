package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.cli.output.Lifecycle;
import dev.egresskit.proxy.ProxyCredentials;
import dev.egresskit.proxy.ProxyTimeouts;
import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import dev.egresskit.testkit.net.TcpTable;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyCommandTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void theProxyRelaysAPlainConnectToTheSinkAndStopsOnRequest() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().build().start();
        Cli.Background proxy = Cli.start("proxy", "--listen", "127.0.0.1:0",
            "--metrics", "127.0.0.1:0")) {
      Map<String, InetSocketAddress> started = proxy.lifecycle.awaitStarted(2, WAIT);

      try (Socket socket = new Socket()) {
        socket.setSoTimeout(5000);
        socket.connect(started.get("proxy"), 5000);
        OutputStream out = socket.getOutputStream();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        out.write(new byte[] {5, 1, 0});
        byte[] method = new byte[2];
        in.readFully(method);
        assertThat(method).containsExactly(5, 0);
        connectToSink(out, in, sink);
        out.write("EHLO through.example\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        in.readAllBytes();
      }
      SinkSession seen = sink.awaitSessions(1, WAIT).get(0);
      HttpResponse<String> scrape = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://"
              + Endpoints.format(started.get("metrics")) + "/metrics")).timeout(WAIT).build(),
          HttpResponse.BodyHandlers.ofString());
      Cli.Result result = proxy.stop(WAIT);

      assertThat(seen.ehlo()).contains("through.example");
      assertThat(scrape.body()).contains("proxy_connections_accepted_total");
      assertThat(result.exitCode()).isZero();
      assertThat(result.err()).contains("SOCKS5 proxy listening on "
          + Endpoints.format(started.get("proxy")) + " (no authentication");
    }
  }

  /** {@code 05 01 00 01 ADDR PORT}: a CONNECT to an IPv4 destination. */
  static byte[] connectRequest(InetSocketAddress destination) {
    byte[] ip = destination.getAddress().getAddress();
    int port = destination.getPort();
    return new byte[] {5, 1, 0, 1, ip[0], ip[1], ip[2], ip[3], (byte) (port >> 8), (byte) port};
  }

  /** Sends a CONNECT to the sink and checks that it succeeded and the sink greeted (220). */
  static void connectToSink(OutputStream out, DataInputStream in, SmtpSink sink)
      throws IOException {
    out.write(connectRequest(sink.address()));
    byte[] reply = new byte[10];
    in.readFully(reply);
    assertThat(reply[1]).as("CONNECT reply").isZero();
    assertThat(SmtpLines.read(in)).startsWith("220 ");
  }

  /**
   * Opens one session to {@code sink} through the SOCKS5 proxy at {@code proxy} (greeting and
   * CONNECT in one write, as a one-flight client sends them), greets with {@code ehlo} and quits;
   * returns what the sink saw.
   */
  static SinkSession relayOneSession(InetSocketAddress proxy, SmtpSink sink, String ehlo)
      throws Exception {
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(5000);
      socket.connect(proxy, 5000);
      OutputStream out = socket.getOutputStream();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      out.write(ByteBuffer.allocate(3 + 10).put(new byte[] {5, 1, 0})
          .put(connectRequest(sink.address())).array());
      byte[] replies = new byte[2 + 10];
      in.readFully(replies);
      assertThat(replies[1]).as("method reply").isZero();
      assertThat(replies[3]).as("CONNECT reply").isZero();
      assertThat(SmtpLines.read(in)).startsWith("220 ");
      out.write(("EHLO " + ehlo + "\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII));
      in.readAllBytes();
    }
    return sink.awaitSessions(1, WAIT).get(0);
  }

  @Test
  void withSpliceTheProxyRelaysAndSaysSo() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().build().start();
        Cli.Background proxy = Cli.start("proxy", "--listen", "127.0.0.1:0", "--splice")) {
      Map<String, InetSocketAddress> started = proxy.lifecycle.awaitStarted(1, WAIT);

      SinkSession seen = relayOneSession(started.get("proxy"), sink, "spliced.example");
      Cli.Result result = proxy.stop(WAIT);

      assertThat(seen.ehlo()).contains("spliced.example");
      assertThat(result.exitCode()).isZero();
      // 1 MiB pipes on every Java version (fcntl through JNA; the build runs 17 and 25).
      assertThat(result.err()).contains("epoll, splice relays (1024 KiB pipes)");
    }
  }

  @Test
  void aSigtermWaitsForTheProxysGracefulStop() throws Exception {
    try (Cli.Background proxy = Cli.start("proxy", "--listen", "127.0.0.1:0")) {
      proxy.lifecycle.awaitStarted(1, WAIT);

      // Main's shutdown hook waits this long: open relays get the proxy's whole drain (30 s)
      // and the forced close after it, so each still gets its line (the hook cut them at 10 s).
      Duration drain = ProxyTimeouts.defaults().shutdown();
      assertThat(proxy.lifecycle.stopTime())
          .isEqualTo(Lifecycle.STOP_TIME.plus(drain).plusSeconds(5 + 10 + 10));
      assertThat(proxy.stop(WAIT).exitCode()).isZero();
    }
  }

  @Test
  void withBusyPollTheProxyRelaysAndSaysSo() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().build().start();
        Cli.Background proxy = Cli.start("proxy", "--listen", "127.0.0.1:0", "--busy-poll", "50us")) {
      Map<String, InetSocketAddress> started = proxy.lifecycle.awaitStarted(1, WAIT);

      SinkSession seen = relayOneSession(started.get("proxy"), sink, "polled.example");
      Cli.Result result = proxy.stop(WAIT);

      assertThat(seen.ehlo()).contains("polled.example");
      assertThat(result.exitCode()).isZero();
      assertThat(result.err()).contains("epoll, busy poll 50us");
    }
  }

  @Test
  void ioThreadsSetsTheListeningSocketsPerListener() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().build().start();
        SmtpSink otherSink = SmtpSink.builder().build().start();
        Cli.Background one = Cli.start("proxy", "--listen", "127.0.0.1:0", "--io-threads", "1");
        Cli.Background three = Cli.start("proxy", "--listen", "127.0.0.1:0", "--io-threads", "3")) {
      InetSocketAddress first = one.lifecycle.awaitStarted(1, WAIT).get("proxy");
      InetSocketAddress second = three.lifecycle.awaitStarted(1, WAIT).get("proxy");

      // On epoll each I/O thread listens on the port itself (SO_REUSEPORT).
      assertThat(listeningSockets(first.getPort())).isEqualTo(1);
      assertThat(listeningSockets(second.getPort())).isEqualTo(3);
      assertThat(relayOneSession(first, sink, "one.example").ehlo()).contains("one.example");
      assertThat(relayOneSession(second, otherSink, "three.example").ehlo())
          .contains("three.example");
      assertThat(one.stop(WAIT).exitCode()).isZero();
      assertThat(three.stop(WAIT).exitCode()).isZero();
    }
  }

  @Test
  void ioThreadsOutsideOneTo1024IsBadInput() {
    for (String threads : List.of("0", "-2", "1025")) {
      Cli.Result result = Cli.run("proxy", "--listen", "127.0.0.1:0", "--io-threads", threads);

      assertThat(result.exitCode()).as(threads).isEqualTo(2);
      assertThat(result.err()).contains("--io-threads " + threads + ": expected 1 to 1024");
    }
  }

  /** Sockets listening on the port, IPv4 and IPv6, as the kernel lists them. */
  static long listeningSockets(int port) throws IOException {
    return TcpTable.sockets().stream().filter(s -> s.listening() && s.localPort() == port).count();
  }

  @Test
  void aBusyPollBeyondTheBoundIsBadInput() {
    Cli.Result result = Cli.run("proxy", "--listen", "127.0.0.1:0", "--busy-poll", "5ms");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("busyPoll is 5000us: expected 0 (off) to 1000us");
  }

  @Test
  void aNonLoopbackListenerWithoutAuthenticationIsRefused() {
    Cli.Result result = Cli.run("proxy", "--listen", "0.0.0.0:0");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("refusing to listen on 0.0.0.0:0 without authentication")
        .contains("--allow-anonymous");
  }

  @Test
  void aUsersFileOthersMayWriteIsAcceptedWithAWarning() throws Exception {
    Path users = dir.resolve("users");
    java.nio.file.Files.writeString(users,
        ProxyCredentials.hashLine("alice", "pw".toCharArray(), 1000) + "\n");
    java.nio.file.Files.setPosixFilePermissions(users,
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    try (Cli.Background proxy = Cli.start("proxy", "--listen", "127.0.0.1:0", "--users",
        users.toString(), "--require-auth")) {
      proxy.lifecycle.awaitStarted(1, WAIT);
      Cli.Result result = proxy.stop(WAIT);
      assertThat(result.exitCode()).isZero();
      assertThat(result.err()).contains("warning: users file " + users
          + " is writable by everyone (mode 0666)");
    }
  }

  @Test
  void requiringAuthenticationWithoutUsersIsBadInput() {
    Cli.Result result = Cli.run("proxy", "--require-auth");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--require-auth needs --users FILE");
  }

  @Test
  void hashPasswordPrintsAUsersLineTheProxyAccepts() throws Exception {
    InputStream stdin = System.in;
    Cli.Result result;
    try {
      System.setIn(new ByteArrayInputStream("correct horse\n".getBytes(StandardCharsets.UTF_8)));
      result = Cli.run("proxy", "hash-password", "--iterations", "1000", "alice");
    } finally {
      System.setIn(stdin);
    }

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).startsWith("alice:pbkdf2-sha256$1000$").doesNotContain("horse");
    ProxyCredentials users = ProxyCredentials.parse("users", List.of(result.out().strip()));
    assertThat(users.verify("alice", "correct horse")).isTrue();
    assertThat(users.verify("alice", "wrong")).isFalse();
  }

  /** Reads one SMTP reply line. */
  static final class SmtpLines {
    static String read(DataInputStream in) throws java.io.IOException {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        line.append((char) c);
      }
      return line.toString().strip();
    }
  }
}
