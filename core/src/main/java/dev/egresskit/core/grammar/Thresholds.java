package dev.egresskit.core.grammar;

import dev.egresskit.core.model.Trigger;
import java.time.Duration;
import java.util.Objects;

/**
 * KumoMTA's {@code ThrottleSpec} text as used by {@code {Threshold = "N/period"}} (spec §5.3):
 * {@code [local:]LIMIT/[N]UNIT[,max_burst=B]}. LIMIT may contain {@code _} or {@code ,} and must
 * be greater than 0; UNIT is {@code s|sec|second}, {@code m|min|minute}, {@code h|hr|hour} or
 * {@code d|day} with an optional multiplier. {@code local:} and {@code max_burst} are checked and
 * then ignored, as source health ignores them.
 *
 * <p>EgressKit rules on top of KumoMTA's: a zero period ({@code 3/0m}) is rejected (KumoMTA
 * would build a degenerate window), and LIMIT, N and B are limited to 2^63-1 (Java's
 * {@code long}) where KumoMTA allows 2^64-1.
 */
public final class Thresholds {
  private Thresholds() {}

  /**
   * Parses a threshold spec such as {@code "3/5m"}.
   *
   * @throws IllegalArgumentException with KumoMTA's message, e.g. {@code invalid period
   *     quantity 5} or {@code expected 'limit/period', got 3}
   */
  public static Trigger.Threshold parse(String text) {
    Objects.requireNonNull(text, "text");
    String s = text.startsWith("local:") ? text.substring("local:".length()) : text;
    int burst = s.indexOf(",max_burst=");
    if (burst >= 0) {
      separatedNumber(s.substring(burst + ",max_burst=".length()));
      s = s.substring(0, burst);
    }
    int slash = s.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("expected 'limit/period', got " + s);
    }
    String limitText = s.substring(0, slash);
    String period = s.substring(slash + 1);
    int digits = 0;
    while (digits < period.length() && period.charAt(digits) >= '0'
        && period.charAt(digits) <= '9') {
      digits++;
    }
    if (digits == period.length()) {
      throw new IllegalArgumentException("invalid period quantity " + period);
    }
    long scale = 1;
    if (digits > 0) {
      try {
        scale = RustText.parseUnsigned(period.substring(0, digits), Long.MAX_VALUE);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("number too big");
      }
    }
    String unit = period.substring(digits);
    long unitSeconds = switch (unit) {
      case "h", "hr", "hour" -> 3600;
      case "m", "min", "minute" -> 60;
      case "s", "sec", "second" -> 1;
      case "d", "day" -> 86_400;
      default -> throw new IllegalArgumentException("unknown period quantity " + unit);
    };
    long seconds;
    try {
      seconds = Math.multiplyExact(unitSeconds, scale);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("number too big");
    }
    long limit = separatedNumber(limitText);
    if (limit == 0) {
      throw new IllegalArgumentException(
          "invalid ThrottleSpec `" + s + "`: limit must be greater than 0!");
    }
    if (seconds == 0) {
      throw new IllegalArgumentException(
          "invalid ThrottleSpec `" + s + "`: period must be greater than 0 (EgressKit rule)");
    }
    return new Trigger.Threshold(limit, Duration.ofSeconds(seconds));
  }

  private static long separatedNumber(String text) {
    String digits = text.replace("_", "").replace(",", "");
    try {
      return RustText.parseUnsigned(digits, Long.MAX_VALUE);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid limit '" + text + "': " + e.getMessage());
    }
  }
}
