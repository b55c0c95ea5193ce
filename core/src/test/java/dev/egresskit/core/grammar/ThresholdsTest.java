package dev.egresskit.core.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.model.Trigger;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ThresholdsTest {

  private static Trigger.Threshold t(long limit, long seconds) {
    return new Trigger.Threshold(limit, Duration.ofSeconds(seconds));
  }

  @Test
  void unitsMultipliersAndSeparatorsFollowThrottleSpec() {
    assertThat(Thresholds.parse("3/5m")).isEqualTo(t(3, 300));
    assertThat(Thresholds.parse("3/m")).isEqualTo(t(3, 60));
    assertThat(Thresholds.parse("100/hr")).isEqualTo(t(100, 3600));
    assertThat(Thresholds.parse("1_0,0/hour")).isEqualTo(t(100, 3600));
    assertThat(Thresholds.parse("2/123min")).isEqualTo(t(2, 123 * 60));
    assertThat(Thresholds.parse("7/second")).isEqualTo(t(7, 1));
    assertThat(Thresholds.parse("7/day")).isEqualTo(t(7, 86_400));
  }

  @Test
  void localPrefixAndMaxBurstAreParsedAndIgnored() {
    assertThat(Thresholds.parse("local:3/5m,max_burst=10")).isEqualTo(t(3, 300));
    assertThatThrownBy(() -> Thresholds.parse("3/5m,max_burst=x"))
        .hasMessage("invalid limit 'x': invalid digit found in string");
  }

  @Test
  void errorsUseKumoMtasWording() {
    assertThatThrownBy(() -> Thresholds.parse("three/hour"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid limit 'three': invalid digit found in string");
    assertThatThrownBy(() -> Thresholds.parse("/hour"))
        .hasMessage("invalid limit '': cannot parse integer from empty string");
    assertThatThrownBy(() -> Thresholds.parse("100/our")).hasMessage("unknown period quantity our");
    assertThatThrownBy(() -> Thresholds.parse("3/")).hasMessage("invalid period quantity ");
    assertThatThrownBy(() -> Thresholds.parse("local:0/m"))
        .hasMessage("invalid ThrottleSpec `0/m`: limit must be greater than 0!");
    assertThatThrownBy(() -> Thresholds.parse("99999999999999999999/m"))
        .hasMessageEndingWith("number too large to fit in target type");
  }

  @Test
  void aZeroPeriodIsRejectedAsAnEgressKitRule() {
    assertThatThrownBy(() -> Thresholds.parse("3/0m"))
        .hasMessage("invalid ThrottleSpec `3/0m`: period must be greater than 0 (EgressKit rule)");
  }
}
