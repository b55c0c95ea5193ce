package dev.egresskit.benchmarks;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One ratio a suite reports: {@code subject} against {@code baseline} at a thread count, either
 * as a time ratio (subject's time per operation over the baseline's; lower is better) or as a
 * rate ratio (subject's operations per second over the baseline's; higher is better), with an
 * optional target.
 *
 * @param label    what the ratio shows, in words
 * @param subject  the measured benchmark method
 * @param baseline the benchmark method it is compared with
 * @param threads  the thread count both were run at
 * @param kind     time or rate ratio
 * @param target   the bound the issue sets (at most for time, at least for rate), if any
 */
public record Comparison(
    String label, String subject, String baseline, int threads, Kind kind, OptionalDouble target) {

  /** How the ratio is formed. */
  public enum Kind {
    /** subject time / baseline time: the target is an upper bound. */
    TIME,
    /** subject rate / baseline rate: the target is a lower bound. */
    RATE
  }

  public Comparison {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(target, "target");
  }

  static Comparison time(String label, String subject, String baseline, int threads,
      double atMost) {
    return new Comparison(label, subject, baseline, threads, Kind.TIME, OptionalDouble.of(atMost));
  }

  static Comparison rate(String label, String subject, String baseline, int threads,
      double atLeast) {
    return new Comparison(label, subject, baseline, threads, Kind.RATE, OptionalDouble.of(atLeast));
  }

  static Comparison timeInfo(String label, String subject, String baseline, int threads) {
    return new Comparison(label, subject, baseline, threads, Kind.TIME, OptionalDouble.empty());
  }

  /** The ratio from the two measured seconds-per-operation values. */
  double ratio(double subjectSecondsPerOp, double baselineSecondsPerOp) {
    return kind == Kind.TIME
        ? subjectSecondsPerOp / baselineSecondsPerOp
        : baselineSecondsPerOp / subjectSecondsPerOp;
  }

  /** Whether {@code ratio} meets the target; true when there is none. */
  boolean met(double ratio) {
    if (target.isEmpty()) {
      return true;
    }
    return kind == Kind.TIME ? ratio <= target.getAsDouble() : ratio >= target.getAsDouble();
  }

  /** The target as text, e.g. {@code ≤ 1.50×}, or {@code -}. */
  String targetText() {
    if (target.isEmpty()) {
      return "-";
    }
    return (kind == Kind.TIME ? "≤ " : "≥ ") + String.format("%.2f×", target.getAsDouble());
  }
}
