package dev.egresskit.core.spec;

import java.time.Duration;

/**
 * KumoMTA's duration grammar ({@code duration_serde} over humantime 2.4, spec §5): parsing of
 * strings and numbers, and formatting back to the humantime form ({@code "1h 30m"}).
 */
public final class Durations {
  /** humantime's year: 365.25 days. */
  static final long YEAR = 31_557_600L;
  /** humantime's month: 30.44 days. */
  static final long MONTH = 2_630_016L;

  private Durations() {}

  /**
   * Parses a humantime string such as {@code "5 mins"}, {@code "1h30m"}, {@code "1.5h"} or
   * {@code "0"}.
   *
   * @throws IllegalArgumentException with the humantime reason when the text is not a duration
   */
  public static Duration parse(String text) {
    throw new UnsupportedOperationException("filled in by the foundation work");
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
