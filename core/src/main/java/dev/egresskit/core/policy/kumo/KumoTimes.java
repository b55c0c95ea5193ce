package dev.egresskit.core.policy.kumo;

import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.grammar.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code kumo.time.*}: {@code now}, {@code from_unix_timestamp}, {@code parse_rfc3339},
 * {@code parse_rfc2822}, {@code with_ymd_hms} give KumoMTA's Time fields (UTC: {@code year} ...
 * {@code second}, {@code unix_timestamp}, {@code unix_timestamp_millis}, {@code rfc2822},
 * {@code rfc3339}); {@code parse_duration} gives TimeDelta fields ({@code seconds},
 * {@code milliseconds}, {@code microseconds}, {@code nanoseconds}, {@code human}). Time is read
 * from the library's clock.
 */
final class KumoTimes {
  private KumoTimes() {}

  static void register(KumoLibrary.Builder b, Clock clock) {
    b.real("time.now", (a, c) -> time(clock.instant()));
    b.real("time.from_unix_timestamp", (a, c) -> {
      Object value = a.get(0);
      if (value instanceof Long seconds) {
        return time(Instant.ofEpochSecond(seconds));
      }
      if (value instanceof Double seconds) {
        return time(Instant.ofEpochSecond(0, Math.round(seconds * 1e9)));
      }
      throw a.wrong(0, "SECONDS", "a number of seconds since 1970", value);
    });
    b.real("time.parse_rfc3339", (a, c) -> parse(a, DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    b.real("time.parse_rfc2822", (a, c) -> parse(a, DateTimeFormatter.RFC_1123_DATE_TIME));
    b.real("time.with_ymd_hms", (a, c) -> {
      try {
        return time(ZonedDateTime.of((int) a.integer(0, "YEAR"), (int) a.integer(1, "MONTH"),
            (int) a.integer(2, "DAY"), (int) a.integer(3, "HOUR"), (int) a.integer(4, "MINUTE"),
            (int) a.integer(5, "SECOND"), 0, ZoneOffset.UTC).toInstant());
      } catch (java.time.DateTimeException e) {
        throw new KumoApiException(a.function() + ": " + e.getMessage());
      }
    });
    b.real("time.parse_duration", (a, c) -> {
      Object value = a.get(0);
      try {
        return delta(value instanceof Long || value instanceof Double
            ? Duration.ofNanos(Math.round(((Number) value).doubleValue() * 1e9))
            : Durations.parse(a.string(0, "DURATION")));
      } catch (IllegalArgumentException e) {
        throw new KumoApiException(a.function() + ": " + e.getMessage());
      }
    });
  }

  private static Object parse(Args a, DateTimeFormatter format) {
    String text = a.string(0, "TEXT");
    try {
      return time(ZonedDateTime.parse(text, format).toInstant());
    } catch (DateTimeParseException e) {
      throw new KumoApiException(a.function() + ": '" + text + "' is not a valid date: "
          + e.getMessage());
    }
  }

  static Map<String, Object> time(Instant instant) {
    ZonedDateTime utc = instant.atZone(ZoneOffset.UTC);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("year", (long) utc.getYear());
    out.put("month", (long) utc.getMonthValue());
    out.put("day", (long) utc.getDayOfMonth());
    out.put("hour", (long) utc.getHour());
    out.put("minute", (long) utc.getMinute());
    out.put("second", (long) utc.getSecond());
    out.put("unix_timestamp", instant.getEpochSecond());
    out.put("unix_timestamp_millis", instant.toEpochMilli());
    out.put("rfc2822", DateTimeFormatter.RFC_1123_DATE_TIME.format(utc)
        .replace("GMT", "+0000"));
    out.put("rfc3339", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(utc).replace("Z",
        "+00:00"));
    return out;
  }

  private static Map<String, Object> delta(Duration d) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("seconds", d.toNanos() / 1e9);
    out.put("milliseconds", d.toMillis());
    out.put("microseconds", d.toNanos() / 1000);
    out.put("nanoseconds", d.toNanos());
    out.put("human", Durations.format(d));
    return out;
  }
}
