package dev.egresskit.sink.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.sink.ProxyProtocolMode;
import dev.egresskit.sink.SinkRejection;
import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import dev.egresskit.testkit.net.InetEmbeddedChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzz runs of the SMTP sink's parsers (command lines, and PROXY header detection and
 * decoding) on an {@link InetEmbeddedChannel}: no sockets, no real time, deterministic. Each run
 * checks, for every input, that nothing escapes the pipeline, every byte written back is a
 * well-formed SMTP reply, the session ends (after the test advances the event loop's clock past
 * the timeouts) and is recorded once, the sink counts exactly one rejection for every session it
 * closed itself, and every input buffer is released.
 */
class SmtpSinkFuzzRobustnessTest {
  static final int RUNS = 10_000;
  private static final int MAX_LINE = 256;
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern REPLY_LINE = Pattern.compile("[2-5][0-9][0-9][ -][^\r\n]*");
  private static final String[] VERBS = {"EHLO", "HELO", "MAIL FROM:", "RCPT TO:", "DATA", ".",
      "RSET", "NOOP", "VRFY", "QUIT", "ehlo", "mail from:", "STARTTLS", "AUTH", "BDAT", ""};

  private static SmtpSink sink(ProxyProtocolMode mode) {
    return SmtpSink.builder()
        .proxyProtocol(mode)
        .proxyHeaderWait(Duration.ofSeconds(1))
        .idleTimeout(IDLE_TIMEOUT)
        .commandTimeout(COMMAND_TIMEOUT)
        .maxLineLength(MAX_LINE)
        .maxMessageBytes(2048)
        .build();
  }

  @Test
  void tenThousandRandomSmtpInputsGetWellFormedRepliesAndEndWithACountedReason() {
    SplittableRandom random = new SplittableRandom(0x5EED_5A7L);
    SmtpSink sink = sink(ProxyProtocolMode.NONE);
    Tally tally = new Tally();
    for (int run = 0; run < RUNS; run++) {
      byte[] input = switch (run % 4) {
        case 0 -> randomBytes(random, random.nextInt(0, 600));
        case 1 -> randomCommandLines(random);
        case 2 -> commandFlood(random);
        default -> mutate(random, validSession());
      };
      SinkSession session = feed(sink, input, random, tally);
      if (session.endReason().equals("QUIT")) {
        assertThat(session.commands()).anySatisfy(c -> assertThat(c).startsWithIgnoringCase("QUIT"));
      }
    }
    assertThat(tally.sessions).isEqualTo(RUNS);
    // The generators must reach the interesting paths, or the run proves little.
    assertThat(sink.rejections().get(SinkRejection.LINE_TOO_LONG)).isPositive();
    assertThat(sink.rejections().get(SinkRejection.COMMAND_TIMEOUT)).isPositive();
    assertThat(sink.rejections().get(SinkRejection.TOO_MANY_ERRORS)).isPositive();
    assertThat(tally.quits).isPositive();
    assertThat(tally.clientClosed).isPositive();
    assertThat(tally.messagesAccepted).isPositive();
    assertThat(sink.rejections().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(tally.rejectedSessions);
  }

  @Test
  void tenThousandRandomProxyHeadersAreDecodedExactlyOrRejectedWithACountedReason() {
    SplittableRandom random = new SplittableRandom(0xC0FFEEL);
    Tally tally = new Tally();
    long exactHeaders = 0;
    for (ProxyProtocolMode mode : List.of(ProxyProtocolMode.REQUIRED, ProxyProtocolMode.OPTIONAL)) {
      SmtpSink sink = sink(mode);
      for (int run = 0; run < RUNS / 2; run++) {
        int kind = run % 5;
        Header header = randomHeader(random);
        byte[] input = switch (kind) {
          case 0 -> concat(header.v2(), "EHLO x\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
          case 1 -> concat(header.v1(), "EHLO x\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
          case 2 -> mutate(random, header.v2());
          case 3 -> mutate(random, header.v1());
          default -> random.nextBoolean()
              ? concat(Header.V2_SIGNATURE, randomBytes(random, random.nextInt(0, 64)))
              : concat("PROXY ".getBytes(StandardCharsets.US_ASCII),
                  randomBytes(random, random.nextInt(0, 140)));
        };
        SinkSession session = feed(sink, input, random, tally);
        if (kind <= 1 && !session.endReason().equals("client closed")) {
          // An intact header is decoded to exactly the addresses it carries.
          assertThat(session.proxyHeader()).hasValueSatisfying(h -> {
            assertThat(h.version()).isEqualTo(kind == 0 ? 2 : 1);
            assertThat(h.source()).isEqualTo(header.source());
            assertThat(h.destination()).isEqualTo(header.destination());
          });
          assertThat(session.endReason()).isEqualTo("QUIT");
          exactHeaders++;
        }
        if (mode == ProxyProtocolMode.REQUIRED && session.proxyHeader().isEmpty()) {
          // Without a header, REQUIRED mode never gets as far as recording a command.
          assertThat(session.commands()).isEmpty();
        }
      }
      Map<SinkRejection, Long> rejections = sink.rejections();
      assertThat(rejections.get(SinkRejection.BAD_PROXY_HEADER)).isPositive();
      if (mode == ProxyProtocolMode.REQUIRED) {
        assertThat(rejections.get(SinkRejection.MISSING_PROXY_HEADER)).isPositive();
      } else {
        assertThat(rejections.get(SinkRejection.MISSING_PROXY_HEADER)).isZero();
      }
    }
    assertThat(tally.sessions).isEqualTo(RUNS);
    assertThat(exactHeaders).isGreaterThan(RUNS / 10);
  }

  @Test
  void everyTruncationOfAProxiedSessionEndsCleanlyWhetherTheClientClosesOrGoesSilent() {
    // Cut after every byte from 1 to the end (an empty write is Netty's shared empty buffer).
    byte[] full = concat(new Header(new InetSocketAddress("10.0.0.1", 0),
        new InetSocketAddress("192.0.2.25", 25)).v2(), validSession());
    SmtpSink sink = sink(ProxyProtocolMode.REQUIRED);
    Tally tally = new Tally();
    for (int cut = 1; cut < full.length; cut++) {
      byte[] prefix = java.util.Arrays.copyOf(full, cut);
      for (boolean clientCloses : new boolean[] {true, false}) {
        InetEmbeddedChannel ch = new InetEmbeddedChannel(sink::installOn);
        ByteBuf in = Unpooled.wrappedBuffer(prefix);
        ch.writeInbound(in);
        long before = total(sink);
        if (clientCloses) {
          ch.close();
        } else {
          ch.advanceTimeBy(COMMAND_TIMEOUT.toNanos() + 1, TimeUnit.NANOSECONDS);
          ch.runScheduledPendingTasks();
          ch.runPendingTasks();
        }
        assertThat(ch.isOpen()).as("cut at %d", cut).isFalse();
        checkReplies(new String(ch.drainOutbound(), StandardCharsets.UTF_8));
        ch.finishAndReleaseAll();
        assertThat(in.refCnt()).as("cut at %d", cut).isZero();
        SinkSession s = last(sink);
        if (clientCloses) {
          // A closed connection at any byte is an ordinary end, never a rejection.
          assertThat(s.endReason()).as("cut at %d", cut).isEqualTo("client closed");
          assertThat(total(sink)).isEqualTo(before);
        } else {
          assertThat(s.endReason()).as("cut at %d", cut)
              .isIn("missing PROXY header: no PROXY header", "command timeout");
          assertThat(total(sink)).isEqualTo(before + 1);
        }
        tally.sessions++;
      }
    }
    assertThat(sink.sessions()).hasSize(tally.sessions);
  }

  // ---- driving one input ----

  /** Feeds {@code input} in random chunks, lets the clock run out, and checks the invariants. */
  private static SinkSession feed(SmtpSink sink, byte[] input, SplittableRandom random,
      Tally tally) {
    long rejectedBefore = total(sink);
    int sessionsBefore = sink.sessions().size();
    InetEmbeddedChannel ch = new InetEmbeddedChannel(sink::installOn);
    List<ByteBuf> written = new ArrayList<>();
    int at = 0;
    while (at < input.length && ch.isOpen()) {
      int n = Math.min(input.length - at, random.nextInt(8) == 0 ? 1 : 1 + random.nextInt(256));
      ByteBuf chunk = Unpooled.copiedBuffer(input, at, n);
      written.add(chunk);
      ch.writeInbound(chunk); // rethrows anything that reached the pipeline's tail
      at += n;
    }
    boolean clientCloses = random.nextInt(4) == 0;
    if (clientCloses) {
      ch.close();
    } else {
      // Nothing more arrives: the command timeout (or PROXY header wait) must end the session.
      ch.advanceTimeBy(COMMAND_TIMEOUT.toNanos() + 1, TimeUnit.NANOSECONDS);
      ch.runScheduledPendingTasks();
      ch.runPendingTasks();
    }
    assertThat(ch.isOpen()).as("session still open after the timeouts; input %s",
        printable(input)).isFalse();
    String replies = new String(ch.drainOutbound(), StandardCharsets.UTF_8);
    checkReplies(replies);
    ch.checkException();
    ch.finishAndReleaseAll();
    for (ByteBuf b : written) {
      assertThat(b.refCnt()).as("input buffer leaked").isZero();
    }
    List<SinkSession> sessions = sink.sessions();
    assertThat(sessions).hasSize(sessionsBefore + 1);
    SinkSession s = sessions.get(sessions.size() - 1);
    long delta = total(sink) - rejectedBefore;
    boolean ordinaryEnd = s.endReason().equals("QUIT") || s.endReason().equals("client closed");
    assertThat(delta).as("rejections counted for a session that ended with '%s'", s.endReason())
        .isEqualTo(ordinaryEnd ? 0 : 1);
    tally.sessions++;
    tally.rejectedSessions += delta;
    tally.quits += s.endReason().equals("QUIT") ? 1 : 0;
    tally.clientClosed += s.endReason().equals("client closed") ? 1 : 0;
    tally.messagesAccepted += s.messages().size();
    if (sessions.size() > 200) {
      sink.clear();
    }
    return s;
  }

  private static void checkReplies(String replies) {
    if (replies.isEmpty()) {
      return;
    }
    assertThat(replies).endsWith("\r\n");
    for (String line : replies.substring(0, replies.length() - 2).split("\r\n", -1)) {
      assertThat(line).matches(REPLY_LINE);
    }
  }

  private static SinkSession last(SmtpSink sink) {
    List<SinkSession> all = sink.sessions();
    return all.get(all.size() - 1);
  }

  private static long total(SmtpSink sink) {
    return sink.rejections().values().stream().mapToLong(Long::longValue).sum();
  }

  // ---- generators ----

  static byte[] randomBytes(SplittableRandom random, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    return b;
  }

  private static byte[] randomCommandLines(SplittableRandom random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int lines = random.nextInt(1, 40);
    for (int i = 0; i < lines; i++) {
      String verb = VERBS[random.nextInt(VERBS.length)];
      out.writeBytes(verb.getBytes(StandardCharsets.US_ASCII));
      switch (random.nextInt(6)) {
        case 0 -> { }
        case 1 -> out.writeBytes((" <" + token(random, 12) + "@" + token(random, 8) + ">")
            .getBytes(StandardCharsets.US_ASCII));
        case 2 -> out.writeBytes(randomBytes(random, random.nextInt(0, 30)));
        case 3 -> out.writeBytes(("x".repeat(random.nextInt(MAX_LINE - 20, MAX_LINE * 3)))
            .getBytes(StandardCharsets.US_ASCII));
        case 4 -> out.writeBytes(" \u00e9\u0000\u202e\ud83d\ude00".getBytes(StandardCharsets.UTF_8));
        default -> out.writeBytes((" " + token(random, 20)).getBytes(StandardCharsets.US_ASCII));
      }
      String[] ends = {"\r\n", "\r\n", "\r\n", "\n", "\r", ""};
      out.writeBytes(ends[random.nextInt(ends.length)].getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  /** Lines of unknown commands, around the sink's limit of 20 rejected commands. */
  private static byte[] commandFlood(SplittableRandom random) {
    StringBuilder s = new StringBuilder();
    int lines = random.nextInt(10, 30);
    for (int i = 0; i < lines; i++) {
      s.append(token(random, 10)).append(' ').append(token(random, 30)).append("\r\n");
    }
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static String token(SplittableRandom random, int max) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(1, max + 1);
    for (int i = 0; i < n; i++) {
      s.append((char) random.nextInt('a', 'z' + 1));
    }
    return s.toString();
  }

  static byte[] validSession() {
    return ("EHLO mta.example.com\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.net>\r\n"
        + "DATA\r\nSubject: fuzz\r\n\r\n..dot\r\nbody\r\n.\r\nQUIT\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Flips, inserts, deletes or truncates a few bytes. */
  static byte[] mutate(SplittableRandom random, byte[] original) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int edits = random.nextInt(1, 4);
    byte[] b = original.clone();
    for (int e = 0; e < edits && b.length > 0; e++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(4)) {
        case 0 -> b[at] = (byte) random.nextInt(256);
        case 1 -> b = java.util.Arrays.copyOf(b, at); // truncate
        case 2 -> b = concat(java.util.Arrays.copyOf(b, at),
            concat(randomBytes(random, random.nextInt(1, 8)),
                java.util.Arrays.copyOfRange(b, at, b.length)));
        default -> b = concat(java.util.Arrays.copyOf(b, at),
            java.util.Arrays.copyOfRange(b, Math.min(b.length, at + random.nextInt(1, 8)), b.length));
      }
    }
    out.writeBytes(b);
    return out.toByteArray();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static Header randomHeader(SplittableRandom random) {
    try {
      boolean v6 = random.nextBoolean();
      byte[] s = randomBytes(random, v6 ? 16 : 4);
      byte[] d = randomBytes(random, v6 ? 16 : 4);
      return new Header(new InetSocketAddress(InetAddress.getByAddress(s), random.nextInt(65536)),
          new InetSocketAddress(InetAddress.getByAddress(d), random.nextInt(65536)));
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static String printable(byte[] input) {
    return java.util.HexFormat.of().formatHex(input, 0, Math.min(input.length, 200));
  }

  /** A PROXY header to send, in either version; addresses are only bytes, never dialled. */
  record Header(InetSocketAddress source, InetSocketAddress destination) {
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55,
        0x49, 0x54, 0x0A};

    byte[] v2() {
      byte[] s = source.getAddress().getAddress();
      byte[] d = destination.getAddress().getAddress();
      ByteBuffer b = ByteBuffer.allocate(16 + 2 * s.length + 4);
      b.put(V2_SIGNATURE).put((byte) 0x21).put((byte) (s.length == 4 ? 0x11 : 0x21))
          .putShort((short) (2 * s.length + 4)).put(s).put(d)
          .putShort((short) source.getPort()).putShort((short) destination.getPort());
      return b.array();
    }

    byte[] v1() {
      String family = source.getAddress().getAddress().length == 4 ? "TCP4" : "TCP6";
      return ("PROXY " + family + " " + source.getAddress().getHostAddress() + " "
          + destination.getAddress().getHostAddress() + " " + source.getPort() + " "
          + destination.getPort() + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
  }

  private static final class Tally {
    int sessions;
    long rejectedSessions;
    long quits;
    long clientClosed;
    long messagesAccepted;
  }
}
