package dev.egresskit.core.grammar;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * KumoMTA's duration grammar ({@code duration_serde} over humantime 2.4, spec §5): parsing of
 * strings and numbers, and formatting back to the humantime form ({@code "1h 30m"}).
 */
public final class Durations {
  /** humantime's year: 365.25 days. */
  static final long YEAR = 31_557_600L;
  /** humantime's month: 30.44 days. */
  static final long MONTH = 2_630_016L;

  /** Strings parsed successfully, up to {@link #PARSED_LIMIT} of them (failures are not kept). */
  private static final ConcurrentHashMap<String, Duration> PARSED = new ConcurrentHashMap<>();
  private static final int PARSED_LIMIT = 1024;

  private Durations() {}

  /**
   * Parses a humantime 2.4.0 duration string (spec §5.2): the exact string {@code "0"}, or one or
   * more {@code <integer>[.<fraction>]<unit>} terms, summed. White space may precede a term,
   * separate the number from its unit, separate terms, and even appear inside a number, exactly
   * as humantime allows; terms may also be written back to back ({@code "1h30m"}). Units are
   * case-sensitive ({@code m} is a minute, {@code M} a month of 2 630 016 s; a year is
   * 31 557 600 s). A fraction must come out exact: below a nanosecond for {@code ms}/{@code us},
   * below a second for {@code h} and longer units, and any fraction of {@code ns}, is an error.
   *
   * @throws IllegalArgumentException with humantime's message, e.g. {@code time unit needed, for
   *     example 60sec or 60ms}; also when the sum exceeds what {@link Duration} holds
   */
  public static Duration parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    // A policy hands over the same few ttl strings on every cache miss: parse each once.
    Duration known = PARSED.get(text);
    if (known != null) {
      return known;
    }
    Duration parsed = new HumantimeParser(text).parse();
    if (PARSED.size() < PARSED_LIMIT && text.length() <= 64) {
      PARSED.put(text, parsed);
    }
    return parsed;
  }

  /**
   * Converts a raw policy value with {@code duration_serde}'s rules (spec §5.1): a non-negative
   * {@link Long} is that many seconds; a {@link Double} goes through Rust's
   * {@code Duration::from_secs_f64} (rounded to the nearest nanosecond), where negative, NaN and
   * infinite values are rejected (KumoMTA panics on them); a {@link String} is {@link #parse}d.
   *
   * @throws IllegalArgumentException with KumoMTA's wording, e.g. {@code invalid value: string
   *     "90", expected a duration} (humantime's detail is dropped, as in KumoMTA)
   */
  public static Duration fromValue(Object value) {
    Objects.requireNonNull(value, "value");
    if (value instanceof Long seconds) {
      if (seconds < 0) {
        throw new IllegalArgumentException(NEGATIVE_INTEGER);
      }
      return Duration.ofSeconds(seconds);
    }
    if (value instanceof Double seconds) {
      return fromSecondsF64(seconds);
    }
    if (value instanceof String text) {
      try {
        return parse(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid value: " + RustText.unexpected(text) + ", expected a duration", e);
      }
    }
    throw new IllegalArgumentException(
        "invalid type: " + RustText.unexpected(value) + ", expected a duration");
  }

  /** KumoMTA's text for a negative integer duration. */
  static final String NEGATIVE_INTEGER = "duration must either be a string or a positive integer"
      + " specifying the number of seconds. (error: out of range integral type conversion"
      + " attempted)";

  private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(Long.MAX_VALUE);

  private static Duration fromSecondsF64(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds < 0) {
      throw new IllegalArgumentException("invalid value: " + RustText.unexpected(seconds)
          + ", expected a finite, non-negative number of seconds");
    }
    BigDecimal exact = new BigDecimal(seconds).setScale(9, RoundingMode.HALF_EVEN);
    if (exact.compareTo(MAX_SECONDS) > 0) {
      throw new IllegalArgumentException("invalid value: " + RustText.unexpected(seconds)
          + ", expected a number of seconds that fits a duration");
    }
    long whole = exact.longValue();
    int nanos = exact.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValueExact();
    return Duration.ofSeconds(whole, nanos);
  }

  /**
   * Formats like humantime's {@code format_duration}: units from years down to nanoseconds,
   * space separated, zero parts omitted, {@code "0s"} for zero. Example: 5400 s is
   * {@code "1h 30m"}.
   */
  public static String format(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("negative duration: " + duration);
    }
    if (duration.isZero()) {
      return "0s";
    }
    long secs = duration.getSeconds();
    int nanos = duration.getNano();
    StringBuilder out = new StringBuilder();
    long years = secs / YEAR;
    long ydays = secs % YEAR;
    long months = ydays / MONTH;
    long mdays = ydays % MONTH;
    long days = mdays / 86_400;
    long dayRest = mdays % 86_400;
    append(out, years, "y");
    append(out, months, "M");
    append(out, days, "d");
    append(out, dayRest / 3600, "h");
    append(out, dayRest / 60 % 60, "m");
    append(out, dayRest % 60, "s");
    append(out, nanos / 1_000_000, "ms");
    append(out, nanos / 1000 % 1000, "us");
    append(out, nanos % 1000, "ns");
    return out.toString();
  }

  private static void append(StringBuilder out, long value, String unit) {
    if (value == 0) {
      return;
    }
    if (out.length() > 0) {
      out.append(' ');
    }
    out.append(value).append(unit);
  }
}
