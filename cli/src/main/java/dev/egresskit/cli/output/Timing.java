package dev.egresskit.cli.output;

import java.time.Duration;

/** Formats elapsed times for tables: microseconds below 10 ms, milliseconds above. */
public final class Timing {
  private Timing() {}

  /** {@code 850µs}, {@code 4.2ms}, {@code 1.30s}. */
  public static String micros(Duration duration) {
    return micros(duration.toNanos() / 1000);
  }

  /** The same, from a count of microseconds. */
  public static String micros(long us) {
    if (us < 1000) {
      return us + "µs";
    }
    if (us < 1_000_000) {
      return String.format(java.util.Locale.ROOT, "%.1fms", us / 1000.0);
    }
    return String.format(java.util.Locale.ROOT, "%.2fs", us / 1_000_000.0);
  }
}
