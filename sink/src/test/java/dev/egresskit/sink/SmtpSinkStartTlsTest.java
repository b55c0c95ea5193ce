package dev.egresskit.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.testkit.tls.TestCertificate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink's STARTTLS (RFC 3207) with a JDK TLS client and a certificate made for the test. */
class SmtpSinkStartTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void aClientThatTrustsTheCertificateContinuesTheSessionInTls() throws Exception {
    TestCertificate certificate = TestCertificate.generate(dir);
    try (SmtpSink sink = SmtpSink.builder().starttls(certificate.serverContext()).build().start();
        Socket plain = new Socket()) {
      plain.setSoTimeout(10_000);
      plain.connect(sink.address(), 10_000);
      Lines clear = new Lines(plain);
      assertThat(clear.reply()).startsWith("220 ");
      assertThat(clear.send("EHLO before.example")).contains("250-STARTTLS");
      // A command pipelined behind STARTTLS in clear text must be dropped, not answered later.
      assertThat(clear.send("STARTTLS\r\nMAIL FROM:<injected@example.com>")).startsWith("220 ");

      SSLContext context = certificate.clientContext();
      try (SSLSocket tls = (SSLSocket) context.getSocketFactory()
          .createSocket(plain, "localhost", sink.address().getPort(), true)) {
        tls.startHandshake();
        Lines secure = new Lines(tls);
        String ehlo = secure.send("EHLO after.example");
        assertThat(ehlo).startsWith("250-").doesNotContain("STARTTLS");
        assertThat(secure.send("MAIL FROM:<a@example.com>")).startsWith("250 ");
        assertThat(secure.send("QUIT")).startsWith("221 ");
      }

      SinkSession session = sink.awaitSessions(1, WAIT).get(0);
      assertThat(session.tls()).isTrue();
      assertThat(session.ehlo()).contains("after.example");
      assertThat(session.commands()).doesNotContain("MAIL FROM:<injected@example.com>");
    }
  }

  @Test
  void aSinkWithoutACertificateRefusesStartTls() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().build().start(); Socket plain = new Socket()) {
      plain.setSoTimeout(10_000);
      plain.connect(sink.address(), 10_000);
      Lines clear = new Lines(plain);
      clear.reply();
      assertThat(clear.send("EHLO x.example")).doesNotContain("STARTTLS");
      assertThat(clear.send("STARTTLS")).startsWith("502 ");
      clear.send("QUIT");
      assertThat(sink.awaitSessions(1, WAIT).get(0).tls()).isFalse();
    }
  }

  /** Line-based SMTP over a socket: one command, one (possibly multi-line) reply. */
  private static final class Lines {
    private final BufferedReader in;
    private final OutputStream out;

    Lines(Socket socket) throws IOException {
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.US_ASCII));
      out = socket.getOutputStream();
    }

    String send(String line) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return reply();
    }

    String reply() throws IOException {
      List<String> lines = new ArrayList<>();
      String line;
      do {
        line = in.readLine();
        if (line == null) {
          break;
        }
        lines.add(line);
      } while (line.length() > 3 && line.charAt(3) == '-');
      return String.join("\n", lines);
    }
  }
}
