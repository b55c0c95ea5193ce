package dev.egresskit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.sink.SmtpSink;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.egresskit.testkit.await.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code egresskit proxy} as users run it (its own JVM, {@link Main#main}): one line per
 * connection on standard error, in slf4j-simple's layout, none lost when the proxy is stopped
 * right after the sessions.
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

  @Test
  void eachSessionEndsWithOneLineOnStandardError() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "proxy", "--listen", "127.0.0.1:0").start();
    List<String> err = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          err.add(line);
        }
      } catch (java.io.IOException e) {
        err.add("read failed: " + e);
      }
    });
    reader.start();
    try (SmtpSink sink = SmtpSink.builder().build().start()) {
      Await.until(() -> err.stream().anyMatch(l -> LISTENING.matcher(l).find()), WAIT,
          "the proxy listening: " + err);
      Matcher port = err.stream().map(LISTENING::matcher).filter(Matcher::find).findFirst()
          .orElseThrow();
      InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", Integer.parseInt(port.group(1)));
      for (int i = 0; i < 3; i++) {
        ProxyCommandTest.relayOneSession(proxy, sink, "lines.example");
      }
      // Each line is out once its I/O thread has handled what was ready, without a stop.
      Await.until(() -> endedLines(err).size() == 3, WAIT, "three lines: " + err);
    } finally {
      process.destroy(); // SIGTERM: the CLI's graceful stop
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
    }
    // SIGTERM wrote nothing twice and lost nothing.
    assertThat(endedLines(err)).hasSize(3).allSatisfy(l -> assertThat(l).matches(LINE));
  }

  private static List<String> endedLines(List<String> err) {
    return err.stream().filter(l -> l.contains("socks5 connection ended")).toList();
  }
}
