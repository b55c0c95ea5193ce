package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.sink.SmtpSink;
import dev.egresskit.testkit.await.Await;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code egresskit proxy} as users run it (its own JVM, {@link Main#main}): one line per
 * connection on standard error, in slf4j-simple's layout, none lost or repeated when the proxy
 * is stopped with SIGTERM right after the sessions or while one is still relaying.
 *
 * <p>SIGTERM goes through {@link ProcessHandle#destroy()}, not {@link Process#destroy()}: the
 * latter also closes this JVM's ends of the child's pipes, so nothing the proxy writes while
 * it stops (nor what waits unread in the pipe) would reach the test.
 */
class ProxyConnectionLinesTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Pattern LISTENING =
      Pattern.compile("SOCKS5 proxy listening on 127\\.0\\.0\\.1:(\\d+) ");
  private static final Pattern LINE = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d"
      + "\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO connections - socks5 connection ended"
      + " listener=127\\.0\\.0\\.1:\\d+ client=127\\.0\\.0\\.1:\\d+ outbound_local=127\\.0\\.0\\.1:\\d+"
      + " destination=127\\.0\\.0\\.1:\\d+ relay=copy bytes_client_to_dest=26"
      + " bytes_dest_to_client=\\d+ duration_ms=\\d+ outcome=completed");
  private static final String STOPPING = "proxy stopping: letting open relays finish";

  private Process process;
  private StderrLines stderr;
  private List<String> err = List.of();

  @AfterEach
  void killLeftover() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  void eachSessionEndsWithOneLineOnStandardError() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().build().start()) {
      InetSocketAddress proxy = startProxy();
      for (int i = 0; i < 3; i++) {
        ProxyCommandTest.relayOneSession(proxy, sink, "lines.example");
      }
      // At once: the proxy may not have seen the last client close yet, so that session can
      // end, and write its line, during the stop.
      stopAndReadToTheEnd();
    }
    assertThat(endedLines()).hasSize(3).allSatisfy(l -> assertThat(l).matches(LINE));
  }

  @Test
  void aSessionEndingDuringTheStopGetsItsLineOnce() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().build().start()) {
      InetSocketAddress proxy = startProxy();
      ProxyCommandTest.relayOneSession(proxy, sink, "lines.example");
      try (Socket relaying = new Socket(); Socket greeting = new Socket()) {
        relaying.setSoTimeout((int) WAIT.toMillis());
        relaying.connect(proxy, (int) WAIT.toMillis());
        DataInputStream in = new DataInputStream(relaying.getInputStream());
        OutputStream out = relaying.getOutputStream();
        byte[] ip = sink.address().getAddress().getAddress();
        int port = sink.address().getPort();
        out.write(new byte[] {5, 1, 0, 5, 1, 0, 1, ip[0], ip[1], ip[2], ip[3],
            (byte) (port >> 8), (byte) port});
        byte[] replies = new byte[2 + 10];
        in.readFully(replies);
        assertThat(replies[3]).as("CONNECT reply").isZero();
        assertThat(ProxyCommandTest.SmtpLines.read(in)).startsWith("220 ");
        // A second client that never greets: the proxy closes it once its shutdown has begun.
        greeting.setSoTimeout((int) WAIT.toMillis());
        greeting.connect(proxy, (int) WAIT.toMillis());

        process.toHandle().destroy();
        assertThat(greeting.getInputStream().read()).as("closed by the shutdown").isEqualTo(-1);
        // The proxy is draining: this relay ends now, and its line must still come, once.
        assertThat(process.isAlive()).as("waits for the open relay").isTrue();
        out.write("EHLO lines.example\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        in.readAllBytes();
        String during = "client=127.0.0.1:" + relaying.getLocalPort() + " ";
        String cut = "client=127.0.0.1:" + greeting.getLocalPort() + " ";
        relaying.close();
        awaitExitAndReadToTheEnd();

        List<String> lines = endedLines();
        assertThat(lines).as("before, cut and during the stop: " + err).hasSize(3);
        assertThat(lines).filteredOn(l -> l.contains(during)).singleElement()
            .satisfies(l -> assertThat(l).matches(LINE))
            .satisfies(l -> assertThat(err.indexOf(l)).as("written during the stop: " + err)
                .isGreaterThan(err.indexOf(STOPPING)));
        assertThat(lines).filteredOn(l -> l.contains(cut)).singleElement()
            .satisfies(l -> assertThat(l).endsWith("outcome=shutdown"));
        assertThat(lines).filteredOn(l -> l.contains("relay=copy bytes_client_to_dest=26"))
            .hasSize(2);
      }
    }
  }

  /** Starts {@code egresskit proxy} in its own JVM, reading its standard error to the end. */
  private InetSocketAddress startProxy() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "proxy", "--listen", "127.0.0.1:0")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    stderr = StderrLines.follow(process);
    err = stderr.lines();
    Await.until(() -> err.stream().anyMatch(l -> LISTENING.matcher(l).find()), WAIT,
        "the proxy listening: " + err);
    Matcher port = err.stream().map(LISTENING::matcher).filter(Matcher::find).findFirst()
        .orElseThrow();
    return new InetSocketAddress("127.0.0.1", Integer.parseInt(port.group(1)));
  }

  /** SIGTERM (the CLI's graceful stop), keeping this JVM's end of the pipes open. */
  private void stopAndReadToTheEnd() throws InterruptedException {
    process.toHandle().destroy();
    awaitExitAndReadToTheEnd();
  }

  private void awaitExitAndReadToTheEnd() throws InterruptedException {
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited: " + err).isTrue();
    assertThat(stderr.awaitEnd(WAIT)).as("standard error read to its end").isTrue();
    // Written after SIGTERM: proves the test saw what the proxy wrote while stopping.
    assertThat(err).contains(STOPPING).noneMatch(l -> l.startsWith("read failed"));
  }

  private List<String> endedLines() {
    return err.stream().filter(l -> l.contains("socks5 connection ended")).toList();
  }
}
