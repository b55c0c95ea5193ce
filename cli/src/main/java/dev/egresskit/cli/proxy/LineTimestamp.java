package dev.egresskit.cli.proxy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The timestamp of the CLI's log lines, {@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX} in the clock's zone
 * (the text slf4j-simple writes with the CLI's settings), at the cost of a clock read and a few
 * appends: the date, time and zone offset are formatted once per second. Not thread-safe.
 */
final class LineTimestamp {

  private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
  private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("XXX");

  private final Clock clock;
  private long second = Long.MIN_VALUE;
  private String secondText;
  private String offsetText;

  LineTimestamp(Clock clock) {
    this.clock = clock;
  }

  /** Appends the current time. */
  void append(StringBuilder out) {
    long millis = clock.millis();
    long now = Math.floorDiv(millis, 1000);
    if (now != second) {
      // Zone offsets change on whole seconds, so they are cached with the second.
      ZonedDateTime time = Instant.ofEpochSecond(now).atZone(clock.getZone());
      secondText = SECOND.format(time);
      offsetText = OFFSET.format(time);
      second = now;
    }
    int ms = (int) Math.floorMod(millis, 1000);
    out.append(secondText).append('.')
        .append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10))
        .append((char) ('0' + ms % 10)).append(offsetText);
  }
}
