package dev.egresskit.redispolicy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WaitBoundTest {
  private static final long NOW = 1_000_000_000_000L;

  @Test
  void theRestOfTheDeadlineWinsOverKumoMtasThirtySecondDefault() {
    WaitBound bound = WaitBound.of("response_timeout", Optional.empty(),
        NOW + Duration.ofMillis(480).toNanos(), NOW);
    assertThat(bound.nanos()).isEqualTo(Duration.ofMillis(480).toNanos());
    assertThat(bound.reason()).isEqualTo("the rest of the policy handler deadline");
    assertThat(bound.text()).isEqualTo("480ms");
  }

  @Test
  void aShorterOptionWinsAndIsNamed() {
    WaitBound bound = WaitBound.of("connect_timeout", Optional.of(Duration.ofMillis(100)),
        NOW + Duration.ofSeconds(5).toNanos(), NOW);
    assertThat(bound.nanos()).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(bound.reason()).isEqualTo("connect_timeout 100ms");
  }

  @Test
  void withoutADeadlineTheDefaultIsKumoMtasDocumentedThirtySeconds() {
    WaitBound bound = WaitBound.of("response_timeout", Optional.empty(), Long.MAX_VALUE, NOW);
    assertThat(bound.nanos()).isEqualTo(Duration.ofSeconds(30).toNanos());
    assertThat(bound.reason()).isEqualTo("response_timeout 30s (KumoMTA's default)");
  }

  @Test
  void aPassedDeadlineLeavesNothingToWait() {
    WaitBound bound = WaitBound.of("response_timeout", Optional.of(Duration.ofSeconds(1)),
        NOW - 5, NOW);
    assertThat(bound.exhausted()).isTrue();
    assertThat(bound.nanos()).isZero();
  }

  @Test
  void aHugeOptionDoesNotOverflow() {
    WaitBound bound = WaitBound.of("response_timeout",
        Optional.of(Duration.ofSeconds(Long.MAX_VALUE / 2)), Long.MAX_VALUE, NOW);
    assertThat(bound.nanos()).isEqualTo(Long.MAX_VALUE);
  }
}
