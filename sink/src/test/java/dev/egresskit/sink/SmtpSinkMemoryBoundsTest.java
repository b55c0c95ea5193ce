package dev.egresskit.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.sink.SmtpSinkTest.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What keeps a long-running sink's memory bounded: finished sessions kept (the most recent),
 * command lines and messages kept per session (the first ones, all counted), recipients per
 * message, and message text only when asked for.
 */
class SmtpSinkMemoryBoundsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void keepsTheMostRecentSessionsAndHandsEveryOneToTheConsumer() throws Exception {
    LinkedBlockingQueue<SinkSession> seen = new LinkedBlockingQueue<>();
    try (SmtpSink sink = SmtpSink.builder().keepSessions(2).onSession(seen::add).build()
        .start()) {
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        try (Client c = new Client(sink.address(), null)) {
          c.reply();
          c.send("EHLO client" + i);
          c.send("QUIT");
        }
        // One at a time, so the order they end in is known.
        SinkSession ended = seen.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(ended).isNotNull();
        names.add(ended.ehlo().orElseThrow());
      }

      assertThat(names).containsExactly("client1", "client2", "client3", "client4", "client5");
      assertThat(sink.sessions()).extracting(s -> s.ehlo().orElseThrow())
          .containsExactly("client4", "client5");
      assertThat(sink.awaitSessions(2, WAIT)).hasSize(2);
      assertThatThrownBy(() -> sink.awaitSessions(3, WAIT))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("keeps 2").hasMessageContaining("keepSessions");
    }
  }

  @Test
  void aSinkThatKeepsNoSessionsStillPassesThemOnAndSurvivesAFailingConsumer() throws Exception {
    LinkedBlockingQueue<SinkSession> seen = new LinkedBlockingQueue<>();
    try (SmtpSink sink = SmtpSink.builder().keepSessions(0).onSession(s -> {
      seen.add(s);
      throw new IllegalStateException("consumer failed");
    }).build().start()) {
      for (int i = 0; i < 2; i++) {
        try (Client c = new Client(sink.address(), null)) {
          assertThat(c.reply()).startsWith("220 ");
          assertThat(c.send("QUIT")).startsWith("221");
        }
        assertThat(seen.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
      }
      assertThat(sink.sessions()).isEmpty();
    }
  }

  @Test
  void aLongSessionKeepsItsFirstThousandCommandsAndCountsThemAll() throws Exception {
    int noops = SinkSession.KEPT + 5;
    try (SmtpSink sink = SmtpSink.builder().build().start();
        Client c = new Client(sink.address(), null)) {
      c.reply();
      c.send("EHLO long.example");
      c.raw("NOOP\r\n".repeat(noops).getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < noops; i++) {
        assertThat(c.reply()).startsWith("250");
      }
      c.send("QUIT");

      SinkSession s = sink.awaitSessions(1, WAIT).get(0);
      assertThat(s.commandCount()).isEqualTo(1 + noops + 1);
      assertThat(s.commands()).hasSize(SinkSession.KEPT)
          .startsWith("EHLO long.example", "NOOP").endsWith("NOOP");
    }
  }

  @Test
  void aSessionKeepsItsFirstThousandMessagesAndCountsThemAll() throws Exception {
    int count = SinkSession.KEPT + 1;
    try (SmtpSink sink = SmtpSink.builder().build().start();
        Client c = new Client(sink.address(), null)) {
      c.reply();
      c.send("EHLO many.example");
      StringBuilder all = new StringBuilder();
      for (int i = 1; i <= count; i++) {
        all.append("MAIL FROM:<m").append(i).append("@example.com>\r\nRCPT TO:<r@example.net>\r\n")
            .append("DATA\r\nmessage ").append(i).append("\r\n.\r\n");
      }
      c.raw(all.toString().getBytes(StandardCharsets.US_ASCII));
      String last = null;
      for (int i = 0; i < 4 * count; i++) {
        last = c.reply();
      }
      assertThat(last).endsWith("-" + count);
      c.send("QUIT");

      SinkSession s = sink.awaitSessions(1, WAIT).get(0);
      assertThat(s.messageCount()).isEqualTo(count);
      assertThat(s.messages()).hasSize(SinkSession.KEPT);
      assertThat(s.messages().get(SinkSession.KEPT - 1).content()).isEqualTo("message 1000");
    }
  }

  @Test
  void aMessageTakesAThousandRecipientsAndTheNextGetsA452() throws Exception {
    int limit = 1_000;
    try (SmtpSink sink = SmtpSink.builder().build().start();
        Client c = new Client(sink.address(), null)) {
      c.reply();
      c.send("EHLO wide.example");
      c.send("MAIL FROM:<a@example.com>");
      StringBuilder rcpts = new StringBuilder();
      for (int i = 0; i <= limit; i++) {
        rcpts.append("RCPT TO:<r").append(i).append("@example.net>\r\n");
      }
      c.raw(rcpts.toString().getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < limit; i++) {
        assertThat(c.reply()).startsWith("250");
      }
      assertThat(c.reply()).isEqualTo("452 4.5.3 too many recipients");
      assertThat(c.send("DATA")).startsWith("354");
      assertThat(c.send("hello\r\n.")).startsWith("250");
      c.send("QUIT");

      SinkMessage m = sink.awaitSessions(1, WAIT).get(0).messages().get(0);
      assertThat(m.recipients()).hasSize(limit).endsWith("r999@example.net");
    }
  }

  @Test
  void withoutContentAMessageKeepsItsSizeButNoText() throws Exception {
    String body = "\r\nSubject: hi\r\n\r\n..dot\r\nbody";
    String unstuffed = "\r\nSubject: hi\r\n\r\n.dot\r\nbody";
    for (boolean keep : new boolean[] {true, false}) {
      try (SmtpSink sink = SmtpSink.builder().keepContent(keep).build().start();
          Client c = new Client(sink.address(), null)) {
        c.reply();
        c.send("EHLO x");
        assertThat(message(c, body)).startsWith("250");
        c.send("QUIT");

        SinkMessage m = sink.awaitSessions(1, WAIT).get(0).messages().get(0);
        assertThat(m.size()).isEqualTo(unstuffed.length());
        // The leading empty line is part of the message (it used to be dropped).
        assertThat(m.content()).isEqualTo(keep ? unstuffed : "");
      }
    }
  }

  @Test
  void theSizeLimitCountsTheSameWithAndWithoutContent() throws Exception {
    for (boolean keep : new boolean[] {true, false}) {
      try (SmtpSink sink = SmtpSink.builder().keepContent(keep).maxMessageBytes(10).build()
          .start(); Client c = new Client(sink.address(), null)) {
        c.reply();
        c.send("EHLO x");
        assertThat(message(c, "1234\r\n1234")).startsWith("250"); // exactly 10
        assertThat(message(c, "1234\r\n12345")).startsWith("552"); // 11
        c.send("QUIT");

        SinkSession s = sink.awaitSessions(1, WAIT).get(0);
        assertThat(s.messageCount()).isEqualTo(1);
        assertThat(s.messages().get(0).size()).isEqualTo(10);
      }
    }
  }

  /** One transaction, {@code body} sent as the message: the reply to its final dot. */
  private static String message(Client c, String body) throws Exception {
    assertThat(c.send("MAIL FROM:<a@example.com>")).startsWith("250");
    assertThat(c.send("RCPT TO:<b@example.net>")).startsWith("250");
    assertThat(c.send("DATA")).startsWith("354");
    return c.send(body + "\r\n.");
  }
}
