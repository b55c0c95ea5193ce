package dev.egresskit.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpSinkTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A minimal blocking SMTP client; reads one (possibly multi-line) reply per call. */
  static final class Client implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;
    final OutputStream out;

    Client(InetSocketAddress to, String bindAddress) throws IOException {
      socket = new Socket();
      socket.setSoTimeout(10_000);
      if (bindAddress != null) {
        socket.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), 0));
      }
      socket.connect(to, 10_000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      out = socket.getOutputStream();
    }

    void raw(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    String send(String line) throws IOException {
      raw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      return reply();
    }

    String reply() throws IOException {
      List<String> lines = new ArrayList<>();
      String line;
      do {
        line = in.readLine();
        if (line == null) {
          return lines.isEmpty() ? null : String.join("\n", lines);
        }
        lines.add(line);
      } while (line.length() > 3 && line.charAt(3) == '-');
      return String.join("\n", lines);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void recordsPeerAddressEhloNameAndMessageOfAFullSession() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().build().start();
        Client c = new Client(sink.address(), "127.0.0.2")) {
      assertThat(c.reply()).startsWith("220 ");
      assertThat(c.send("EHLO mta1.example.com")).contains("250 ENHANCEDSTATUSCODES");
      assertThat(c.send("MAIL FROM:<a@example.com>")).startsWith("250");
      assertThat(c.send("RCPT TO:<b@example.net>")).startsWith("250");
      assertThat(c.send("DATA")).startsWith("354");
      assertThat(c.send("Subject: hi\r\n\r\n..dot\r\nbody\r\n.")).startsWith("250 2.0.0 queued");
      assertThat(c.send("QUIT")).startsWith("221");

      SinkSession s = sink.awaitSessions(1, WAIT).get(0);
      assertThat(s.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.2");
      assertThat(s.effectiveSource()).isEqualTo(s.peer());
      assertThat(s.ehlo()).contains("mta1.example.com");
      assertThat(s.endReason()).isEqualTo("QUIT");
      assertThat(s.messages()).singleElement().satisfies(m -> {
        assertThat(m.mailFrom()).isEqualTo("a@example.com");
        assertThat(m.recipients()).containsExactly("b@example.net");
        assertThat(m.content()).isEqualTo("Subject: hi\r\n\r\n.dot\r\nbody");
        assertThat(m.size()).isEqualTo(m.content().length());
      });
      assertThat(s.commands()).containsExactly("EHLO mta1.example.com",
          "MAIL FROM:<a@example.com>", "RCPT TO:<b@example.net>", "DATA", "QUIT");
    }
  }

  @Test
  void decodesAProxyV2HeaderAndReportsItsSourceAsTheEffectiveSource() throws Exception {
    // Spec case 30: src 10.0.0.1:0, dst 192.0.2.25:25 (only bytes on loopback; nothing dials them).
    byte[] header = HexFormat.of().parseHex(
        "0d0a0d0a000d0a515549540a" + "2111000c" + "0a000001" + "c0000219" + "0000" + "0019");
    try (SmtpSink sink = SmtpSink.builder().proxyProtocol(ProxyProtocolMode.REQUIRED).build()
        .start(); Client c = new Client(sink.address(), null)) {
      c.raw(header);
      assertThat(c.reply()).startsWith("220 ");
      c.send("EHLO proxied.example");
      c.send("QUIT");
      SinkSession s = sink.awaitSessions(1, WAIT).get(0);
      assertThat(s.proxyHeader()).hasValueSatisfying(h -> {
        assertThat(h.version()).isEqualTo(2);
        assertThat(h.source()).isEqualTo(new InetSocketAddress("10.0.0.1", 0));
        assertThat(h.destination()).isEqualTo(new InetSocketAddress("192.0.2.25", 25));
      });
      assertThat(s.effectiveSource().getAddress().getHostAddress()).isEqualTo("10.0.0.1");
      assertThat(s.ehlo()).contains("proxied.example");
    }
  }

  @Test
  void optionalModeAcceptsAProxyV1HeaderAndAlsoPlainSmtp() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().proxyProtocol(ProxyProtocolMode.OPTIONAL)
        .proxyHeaderWait(Duration.ofMillis(50)).build().start()) {
      try (Client c = new Client(sink.address(), null)) {
        c.raw("PROXY TCP4 127.0.0.7 127.0.0.1 4000 25\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(c.reply()).startsWith("220 ");
        c.send("QUIT");
      }
      try (Client c = new Client(sink.address(), "127.0.0.3")) {
        assertThat(c.reply()).startsWith("220 ");
        c.send("QUIT");
      }
      List<SinkSession> sessions = sink.awaitSessions(2, WAIT);
      assertThat(sessions).extracting(s -> s.effectiveSource().getAddress().getHostAddress())
          .containsExactlyInAnyOrder("127.0.0.7", "127.0.0.3");
    }
  }

  @Test
  void requiredModeClosesASessionThatSendsNoHeader() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().proxyProtocol(ProxyProtocolMode.REQUIRED).build()
        .start(); Client c = new Client(sink.address(), null)) {
      c.raw("EHLO x\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(c.reply()).isNull();
      assertThat(sink.awaitSessions(1, WAIT).get(0).endReason()).startsWith("missing PROXY header");
    }
  }

  @Test
  void scriptedReplyAndDisconnectReplaceTheNormalAnswers() throws Exception {
    SinkScript script = SinkScript.normal().reply("MAIL", "451 4.3.0 try again later")
        .disconnect("RCPT");
    try (SmtpSink sink = SmtpSink.builder().script(script).build().start();
        Client c = new Client(sink.address(), null)) {
      c.reply();
      c.send("EHLO x");
      assertThat(c.send("MAIL FROM:<a@b>")).isEqualTo("451 4.3.0 try again later");
      assertThat(c.send("RCPT TO:<c@d>")).isNull();
      assertThat(sink.awaitSessions(1, WAIT).get(0).endReason()).isEqualTo("scripted disconnect on RCPT");
    }
  }

  @Test
  void scriptedBannerRejectionIsSentInsteadOfTheGreeting() throws Exception {
    SinkScript script = SinkScript.normal().reply(SinkScript.BANNER, "554 5.7.1 go away");
    try (SmtpSink sink = SmtpSink.builder().script(script).build().start();
        Client c = new Client(sink.address(), null)) {
      assertThat(c.reply()).isEqualTo("554 5.7.1 go away");
    }
  }

  @Test
  void overLongLinesAreRefusedAndTheSessionClosed() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().maxLineLength(100).build().start();
        Client c = new Client(sink.address(), null)) {
      c.reply();
      assertThat(c.send("EHLO " + "x".repeat(200))).startsWith("500 5.5.2 line too long");
      assertThat(c.reply()).isNull();
      assertThat(sink.awaitSessions(1, WAIT).get(0).endReason()).isEqualTo("line too long");
    }
  }

  @Test
  void idleSessionsAreClosedWithA421() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().idleTimeout(Duration.ofMillis(100)).build().start();
        Client c = new Client(sink.address(), null)) {
      assertThat(c.reply()).startsWith("220 ");
      assertThat(c.reply()).startsWith("421 4.4.2");
      assertThat(sink.awaitSessions(1, WAIT).get(0).endReason()).isEqualTo("idle timeout");
    }
  }

  @Test
  void commandsOutOfOrderGetA503() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().build().start();
        Client c = new Client(sink.address(), null)) {
      c.reply();
      assertThat(c.send("MAIL FROM:<a@b>")).startsWith("503");
      c.send("HELO x");
      assertThat(c.send("DATA")).startsWith("503");
      assertThat(c.send("BOGUS")).startsWith("500");
    }
  }
}
