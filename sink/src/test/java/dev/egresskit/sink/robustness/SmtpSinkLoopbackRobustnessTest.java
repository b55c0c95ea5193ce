package dev.egresskit.sink.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.sink.SinkRejection;
import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SMTP sink over real loopback sockets facing hostile clients: random bytes, over-long
 * lines, a slowloris, a thousand half-open connections and abrupt resets. After each, a well
 * behaved client still gets a full session.
 */
class SmtpSinkLoopbackRobustnessTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final List<Socket> open = new ArrayList<>();

  @AfterEach
  void closeClients() throws IOException {
    for (Socket s : open) {
      s.close();
    }
  }

  private Socket connect(InetSocketAddress to) throws IOException {
    Socket s = new Socket();
    open.add(s);
    s.setSoTimeout(20_000);
    s.connect(to, 10_000);
    return s;
  }

  /** A complete, correct session; the sink must still serve it. */
  private void goodClientIsServed(SmtpSink sink) throws IOException {
    try (Socket s = connect(sink.address())) {
      BufferedReader in = new BufferedReader(
          new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = s.getOutputStream();
      assertThat(in.readLine()).startsWith("220 ");
      out.write(("EHLO good.example\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.net>\r\n"
          + "DATA\r\n").getBytes(StandardCharsets.US_ASCII));
      String line;
      do {
        line = in.readLine();
      } while (line != null && !line.startsWith("354"));
      assertThat(line).startsWith("354");
      out.write("hello\r\n.\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(in.readLine()).startsWith("250 2.0.0 queued");
      assertThat(in.readLine()).startsWith("221 ");
    }
  }

  private static long sessionsWithEhlo(SmtpSink sink, String name) {
    return sink.sessions().stream().filter(x -> x.ehlo().equals(java.util.Optional.of(name)))
        .filter(x -> x.messages().size() == 1).count();
  }

  @Test
  void threeHundredRandomByteStreamsOverLoopbackAreAnsweredAndTheSinkKeepsServing()
      throws Exception {
    int clients = 300;
    SplittableRandom random = new SplittableRandom(42);
    try (SmtpSink sink = SmtpSink.builder().maxLineLength(256)
        .commandTimeout(Duration.ofMillis(500)).idleTimeout(Duration.ofSeconds(5)).build()
        .start()) {
      for (int i = 0; i < clients; i++) {
        Socket s = connect(sink.address());
        byte[] junk = SmtpSinkFuzzRobustnessTest.randomBytes(random, random.nextInt(1, 2000));
        try {
          s.getOutputStream().write(junk);
        } catch (IOException sinkClosedWhileWeWrote) {
          // The sink may close first (line too long, too many errors): that is the point.
        }
        if (i % 2 == 0) {
          s.close(); // half the clients leave; the rest stay until the sink ends the session
        }
      }
      List<SinkSession> sessions = sink.awaitSessions(clients, WAIT);
      assertThat(sessions).hasSize(clients);
      long rejected = sink.rejections().values().stream().mapToLong(Long::longValue).sum();
      long ordinary = sessions.stream().filter(x -> x.endReason().equals("client closed")
          || x.endReason().equals("QUIT")).count();
      assertThat(rejected + ordinary).isEqualTo(clients);
      assertThat(rejected).isGreaterThanOrEqualTo(clients / 2);
      goodClientIsServed(sink);
      sink.awaitSessions(clients + 1, WAIT);
      assertThat(sessionsWithEhlo(sink, "good.example")).isEqualTo(1);
    }
  }

  @Test
  void overLongLineIsRefusedAndCountedAndTheNextClientIsServed() throws Exception {
    try (SmtpSink sink = SmtpSink.builder().maxLineLength(100).build().start()) {
      try (Socket s = connect(sink.address())) {
        BufferedReader in = new BufferedReader(
            new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(in.readLine()).startsWith("220 ");
        // 1 MiB without a line end: the sink must not buffer it.
        byte[] mib = new byte[1 << 20];
        java.util.Arrays.fill(mib, (byte) 'A');
        try {
          s.getOutputStream().write(mib);
        } catch (IOException closedWhileWriting) {
          // expected once the sink has answered and closed
        }
        assertThat(in.readLine()).startsWith("500 5.5.2 line too long (max 100)");
      }
      sink.awaitSessions(1, WAIT);
      assertThat(sink.rejected(SinkRejection.LINE_TOO_LONG)).isEqualTo(1);
      goodClientIsServed(sink);
    }
  }

  @Test
  void slowlorisClientDrippingOneByteAtATimeIsClosedByTheCommandTimeout() throws Exception {
    // The idle timeout alone would never fire: every byte resets it.
    Duration commandTimeout = Duration.ofMillis(600);
    long intervalMillis = 40;
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    try (SmtpSink sink = SmtpSink.builder().idleTimeout(Duration.ofSeconds(20))
        .commandTimeout(commandTimeout).build().start()) {
      Socket s = connect(sink.address());
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      AtomicInteger dripped = new AtomicInteger();
      CompletableFuture<Void> stopped = new CompletableFuture<>();
      ScheduledFuture<?> drip = clock.scheduleAtFixedRate(() -> {
        try {
          out.write('x');
          out.flush();
          dripped.incrementAndGet();
        } catch (IOException closedBySink) {
          stopped.complete(null);
          throw new IllegalStateException("stop dripping");
        }
      }, 0, intervalMillis, TimeUnit.MILLISECONDS);
      try {
        String replies = new String(drainToEof(in), StandardCharsets.US_ASCII);
        assertThat(replies).startsWith("220 ").contains("421 4.4.2")
            .contains("timeout waiting for a complete command");
        SinkSession session = sink.awaitSessions(1, WAIT).get(0);
        assertThat(session.endReason()).isEqualTo("command timeout");
        assertThat(sink.rejected(SinkRejection.COMMAND_TIMEOUT)).isEqualTo(1);
        assertThat(sink.rejected(SinkRejection.IDLE_TIMEOUT)).isZero();
        // It really was a drip, many bytes inside one command timeout.
        assertThat(dripped.get()).isGreaterThan(3);
        assertThat(session.duration()).isLessThan(Duration.ofSeconds(10));
        goodClientIsServed(sink);
      } finally {
        drip.cancel(false);
        clock.shutdownNow();
        assertThat(clock.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  @Test
  void aThousandHalfOpenConnectionsAreAllClosedWithACountedReasonWhileAGoodClientIsServed()
      throws Exception {
    int halfOpen = 1000;
    try (SmtpSink sink = SmtpSink.builder().idleTimeout(Duration.ofSeconds(20))
        .commandTimeout(Duration.ofSeconds(3)).build().start()) {
      for (int i = 0; i < halfOpen; i++) {
        Socket s = connect(sink.address());
        if (i % 2 == 1) {
          s.getOutputStream().write("EHLO half-open".getBytes(StandardCharsets.US_ASCII));
        }
      }
      // All thousand are connected and silent; a good client is still served meanwhile.
      goodClientIsServed(sink);
      List<SinkSession> sessions = sink.awaitSessions(halfOpen + 1, WAIT);
      assertThat(sessions).hasSize(halfOpen + 1);
      assertThat(sink.rejected(SinkRejection.COMMAND_TIMEOUT)).isEqualTo(halfOpen);
      // Every half-open client got the 421 and then end of stream.
      for (Socket s : open) {
        if (!s.isClosed()) {
          assertThat(new String(drainToEof(s.getInputStream()), StandardCharsets.US_ASCII))
              .contains("421 4.4.2");
        }
      }
    }
  }

  @Test
  void twoHundredAbruptResetsAreEachRecordedAndCountedAndTheSinkKeepsServing()
      throws Exception {
    int clients = 200;
    try (SmtpSink sink = SmtpSink.builder().build().start()) {
      for (int i = 0; i < clients; i++) {
        Socket s = connect(sink.address());
        s.setSoLinger(true, 0); // close() sends RST instead of FIN
        InputStream in = s.getInputStream();
        in.read(); // the first byte of the banner: the session is running
        s.getOutputStream().write("EHLO reset.example\r\nMAIL FROM:<a@b>\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        s.close();
      }
      List<SinkSession> sessions = sink.awaitSessions(clients, WAIT);
      long resets = sessions.stream().filter(x -> x.endReason().startsWith("connection error"))
          .count();
      long ordinary = sessions.stream().filter(x -> x.endReason().equals("client closed")).count();
      assertThat(resets + ordinary).isEqualTo(clients);
      assertThat(resets).isPositive();
      assertThat(sink.rejected(SinkRejection.CONNECTION_RESET)).isEqualTo(resets);
      goodClientIsServed(sink);
    }
  }

  /** Reads until the peer closes (bounded by the socket timeout), tolerating a reset. */
  private static byte[] drainToEof(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        all.write(buf, 0, n);
      }
    } catch (java.net.SocketException reset) {
      // the sink closed while data we sent was unread: Linux answers with RST
    }
    return all.toByteArray();
  }
}
