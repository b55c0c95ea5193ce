package dev.egresskit.cli.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** The CLI's connection lines: slf4j-simple's text, batched, bounded, never lost on close. */
class ConnectionLogWriterTest {

  private static final String NL = System.lineSeparator();

  /** Counts the writes: each one is a write(2) on standard error. */
  private static final class Sink extends ByteArrayOutputStream {
    final List<Integer> writes = new ArrayList<>();

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes.add(len);
      super.write(b, off, len);
    }

    String text() {
      return toString(StandardCharsets.UTF_8);
    }
  }

  /** What slf4j-simple writes for the CLI's dateTimeFormat, in the given zone. */
  private static String simpleLoggerTime(Instant instant, ZoneId zone) {
    SimpleDateFormat format = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    format.setTimeZone(TimeZone.getTimeZone(zone));
    return format.format(Date.from(instant));
  }

  @Test
  void theTimestampIsSlf4jSimplesTextInEveryZone() {
    List<Instant> instants = List.of(Instant.parse("2026-12-01T18:50:08.467Z"),
        Instant.parse("2026-12-01T18:50:08.007Z"), Instant.parse("2026-12-01T18:50:09.000Z"),
        Instant.parse("2026-03-29T00:59:59.999Z"), Instant.parse("2026-03-29T01:00:00.001Z"),
        Instant.parse("1969-12-31T23:59:59.950Z"));
    for (ZoneId zone : List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Berlin"),
        ZoneId.of("America/St_Johns"), ZoneId.of("Asia/Kolkata"))) {
      MutableClock clock = new MutableClock(zone);
      LineTimestamp timestamp = new LineTimestamp(clock);
      for (Instant instant : instants) {
        clock.now = instant;
        StringBuilder text = new StringBuilder();
        timestamp.append(text);
        assertThat(text.toString()).as(zone + " " + instant)
            .isEqualTo(simpleLoggerTime(instant, zone));
      }
    }
  }

  @Test
  void linesWaitForTheFlushAndGoOutInOneWrite() {
    Sink out = new Sink();
    MutableClock clock = new MutableClock(ZoneId.of("UTC"));
    clock.now = Instant.parse("2026-12-01T18:50:08.467Z");
    ConnectionLogWriter writer = new ConnectionLogWriter(out, clock, false);
    writer.line(new StringBuilder("socks5 connection ended client=127.0.0.1:1 outcome=completed"));
    writer.line("socks5 connection ended client=127.0.0.1:2 user=\"\u00e9\" outcome=completed");
    assertThat(out.writes).isEmpty();

    writer.flush();
    assertThat(out.writes).hasSize(1);
    assertThat(out.text()).isEqualTo(
        "2026-12-01T18:50:08.467Z INFO connections - socks5 connection ended"
            + " client=127.0.0.1:1 outcome=completed" + NL
            + "2026-12-01T18:50:08.467Z INFO connections - socks5 connection ended"
            + " client=127.0.0.1:2 user=\"\u00e9\" outcome=completed" + NL);
    writer.flush();
    assertThat(out.writes).as("nothing waits: no empty write").hasSize(1);
  }

  @Test
  void atMostTheBoundWaits() {
    Sink out = new Sink();
    ConnectionLogWriter writer = new ConnectionLogWriter(out,
        new MutableClock(ZoneId.of("UTC")), false);
    String line = "socks5 connection ended " + "x".repeat(200);
    int lines = 0;
    while (out.writes.isEmpty() && lines < 10_000) {
      writer.line(line);
      lines++;
    }
    assertThat(out.writes).hasSize(1);
    assertThat(out.writes.get(0)).isBetween(ConnectionLogWriter.FLUSH_CHARS,
        ConnectionLogWriter.FLUSH_CHARS + 300);
    assertThat(out.text().split(NL, -1)).hasSize(lines + 1);
  }

  @Test
  void closeWritesWhatWaits() {
    Sink out = new Sink();
    ConnectionLogWriter writer = new ConnectionLogWriter(out,
        new MutableClock(ZoneId.of("UTC")), true);
    writer.line("socks5 connection ended outcome=shutdown");
    writer.close();
    assertThat(out.text()).endsWith(" INFO connections - socks5 connection ended outcome=shutdown" + NL);
  }

  /** A clock the test sets. */
  private static final class MutableClock extends Clock {
    private final ZoneId zone;
    Instant now = Instant.EPOCH;

    MutableClock(ZoneId zone) {
      this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId other) {
      MutableClock clock = new MutableClock(other);
      clock.now = now;
      return clock;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
