package dev.egresskit.cli.options;

import dev.egresskit.core.grammar.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Command-line durations in the policy syntax: {@code 5s}, {@code 1500ms}, {@code 10m}. */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    Duration duration;
    try {
      duration = Durations.parse(value.trim());
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("'" + value + "' is not a duration: " + e.getMessage()
          + " (allowed: e.g. 500ms, 5s, 10m, 1h 30m)");
    }
    if (duration.isZero() || duration.isNegative()) {
      throw new TypeConversionException("'" + value + "': the duration must be positive");
    }
    return duration;
  }
}
