package dev.egresskit.core.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DurationsTest {

  private static void assertUnits(long nanosPerUnit, String... aliases) {
    for (String alias : aliases) {
      assertThat(Durations.parse("3" + alias)).as(alias).isEqualTo(Duration.ofNanos(3 * nanosPerUnit));
    }
  }

  @Test
  void everyUnitAliasOfHumantimeIsAccepted() {
    assertUnits(1, "nanos", "nsec", "ns");
    assertUnits(1_000, "usec", "us", "µs");
    assertUnits(1_000_000, "millis", "msec", "ms");
    assertUnits(1_000_000_000L, "seconds", "second", "secs", "sec", "s");
    assertUnits(60_000_000_000L, "minutes", "minute", "min", "mins", "m");
    assertUnits(3_600_000_000_000L, "hours", "hour", "hr", "hrs", "h");
    assertUnits(86_400_000_000_000L, "days", "day", "d");
    assertUnits(604_800_000_000_000L, "weeks", "week", "wk", "wks", "w");
    assertUnits(2_630_016_000_000_000L, "months", "month", "M");
    assertUnits(31_557_600_000_000_000L, "years", "year", "yr", "yrs", "y");
  }

  @Test
  void unitsAreCaseSensitive() {
    assertThatThrownBy(() -> Durations.parse("5MIN")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown time unit \"MIN\", supported units: ns, us/µs, ms, sec, min, hours,"
            + " days, weeks, months, years (and few variations)");
    assertThatThrownBy(() -> Durations.parse("1S")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse("1H")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void termsAreSummedWithOrWithoutSeparators() {
    assertThat(Durations.parse("2h 37min")).isEqualTo(Duration.ofSeconds(9420));
    assertThat(Durations.parse("1h30m15s")).isEqualTo(Duration.ofSeconds(5415));
    assertThat(Durations.parse("  1h \t 30 m ")).isEqualTo(Duration.ofSeconds(5400));
    assertThat(Durations.parse("1m 1m 1m")).isEqualTo(Duration.ofSeconds(180));
  }

  @Test
  void whiteSpaceInsideANumberIsIgnoredAsInHumantime() {
    assertThat(Durations.parse("1 0m")).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void fractionsAreExact() {
    assertThat(Durations.parse("32ms")).isEqualTo(Duration.ofMillis(32));
    assertThat(Durations.parse("4.2s")).isEqualTo(Duration.ofMillis(4200));
    assertThat(Durations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("0.5m")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("1.000000001s")).isEqualTo(Duration.ofSeconds(1, 1));
    assertThat(Durations.parse("1.5us")).isEqualTo(Duration.ofNanos(1500));
    assertThat(Durations.parse("0.05d")).isEqualTo(Duration.ofSeconds(4320));
  }

  @Test
  void precisionBelowWhatTheUnitCanHoldIsAnError() {
    String overflow = "number is too large or cannot be represented without a lack of precision"
        + " (values below 1ns are not supported)";
    assertThatThrownBy(() -> Durations.parse("0.5ns")).hasMessage(overflow);
    assertThatThrownBy(() -> Durations.parse("1.0ns")).hasMessage(overflow);
    assertThatThrownBy(() -> Durations.parse("0.0000000001s")).hasMessage(overflow);
    // humantime keeps whole seconds only for hours and longer units
    assertThatThrownBy(() -> Durations.parse("0.0001h")).hasMessage(overflow);
  }

  @Test
  void onlyTheExactStringZeroIsAUnitlessDuration() {
    assertThat(Durations.parse("0")).isZero();
    assertThatThrownBy(() -> Durations.parse("60"))
        .hasMessage("time unit needed, for example 60sec or 60ms");
    assertThatThrownBy(() -> Durations.parse(" 0"))
        .hasMessage("time unit needed, for example 0sec or 0ms");
    assertThatThrownBy(() -> Durations.parse("1h30"))
        .hasMessage("time unit needed, for example 30sec or 30ms");
  }

  @Test
  void malformedStringsGiveHumantimesMessages() {
    assertThatThrownBy(() -> Durations.parse("")).hasMessage("value was empty");
    assertThatThrownBy(() -> Durations.parse("   ")).hasMessage("value was empty");
    assertThatThrownBy(() -> Durations.parse("-5m")).hasMessage("expected number at 0");
    assertThatThrownBy(() -> Durations.parse("2 hours min")).hasMessage("expected number at 8");
    assertThatThrownBy(() -> Durations.parse("5m!")).hasMessage("invalid character at 2");
    assertThatThrownBy(() -> Durations.parse("1.m")).hasMessage("invalid character at 1");
    assertThatThrownBy(() -> Durations.parse("99999999999999999999s"))
        .hasMessageStartingWith("number is too large");
  }

  /** "1µs " is 5 UTF-8 bytes (µ takes two); humantime reports the offset after the space. */
  @Test
  void errorOffsetsCountUtf8Bytes() {
    assertThatThrownBy(() -> Durations.parse("1us !")).hasMessage("expected number at 4");
    assertThatThrownBy(() -> Durations.parse("1µs !")).hasMessage("expected number at 5");
  }

  @Test
  void aSumBeyondJavasDurationIsRejected() {
    assertThatThrownBy(() -> Durations.parse("18446744073709551615s"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Durations.parse("18446744073709551615ns"))
        .isEqualTo(Duration.ofSeconds(18_446_744_073L, 709_551_615));
  }

  @Test
  void formatMatchesHumantimeAndParsesBack() {
    assertThat(Durations.format(Duration.ofSeconds(5400))).isEqualTo("1h 30m");
    assertThat(Durations.format(Duration.ofSeconds(60))).isEqualTo("1m");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    for (Duration d : List.of(Duration.ofSeconds(2_630_016), Duration.ofSeconds(31_557_601, 7),
        Duration.ofMillis(32), Duration.ofDays(400).plusNanos(1_001_001))) {
      assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }
  }

  @Test
  void rawIntegersAreSecondsAndNegativeOnesAreRejectedWithKumoMtasText() {
    assertThat(Durations.fromValue(90L)).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.fromValue(0L)).isZero();
    assertThatThrownBy(() -> Durations.fromValue(-5L))
        .hasMessageStartingWith("duration must either be a string or a positive integer");
  }

  @Test
  void rawFloatsAreSecondsRoundedToTheNearestNanosecond() {
    assertThat(Durations.fromValue(2.7)).isEqualTo(Duration.ofMillis(2700));
    assertThat(Durations.fromValue(0.999e-9)).isEqualTo(Duration.ofNanos(1));
    assertThat(Durations.fromValue(90.0)).isEqualTo(Duration.ofSeconds(90));
    for (double bad : new double[] {-1.5, Double.NaN, Double.POSITIVE_INFINITY, 1e300}) {
      assertThatThrownBy(() -> Durations.fromValue(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid value: floating point `");
    }
  }

  @Test
  void rawStringsDropHumantimesDetailLikeKumoMta() {
    assertThatThrownBy(() -> Durations.fromValue("-5m"))
        .hasMessage("invalid value: string \"-5m\", expected a duration");
    assertThatThrownBy(() -> Durations.fromValue("a\"b"))
        .hasMessage("invalid value: string \"a\\\"b\", expected a duration");
  }

  @Test
  void otherRawTypesAreRejected() {
    assertThatThrownBy(() -> Durations.fromValue(true))
        .hasMessage("invalid type: boolean `true`, expected a duration");
    assertThatThrownBy(() -> Durations.fromValue(Map.of()))
        .hasMessage("invalid type: map, expected a duration");
  }
}
