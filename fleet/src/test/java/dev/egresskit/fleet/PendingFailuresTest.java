package dev.egresskit.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.health.HealthEvent;
import dev.egresskit.core.model.SuspendOnFailure;
import dev.egresskit.core.model.Trigger;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PendingFailuresTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final SuspendOnFailure THREE_PER_MINUTE = new SuspendOnFailure(
      new Trigger.Threshold(3, Duration.ofMinutes(1)), Duration.ofMinutes(10));

  private static PendingFailures.Pending at(String id, Instant when) {
    return new PendingFailures.Pending(id, "ip-1", HealthEvent.ProxyUnhealthy, THREE_PER_MINUTE,
        when);
  }

  @Test
  void drainingReturnsTheFailuresStillInsideTheirWindowOldestFirst() {
    PendingFailures pending = new PendingFailures(10);
    pending.offer(at("a", T0));
    pending.offer(at("b", T0.plusSeconds(30)));
    pending.offer(at("c", T0.plusSeconds(50)));

    assertThat(pending.drainLive(T0.plusSeconds(60)))
        .extracting(PendingFailures.Pending::id).containsExactly("b", "c");
    assertThat(pending.size()).isZero();
  }

  @Test
  void aFullQueueRefusesAndCountsTheDrop() {
    PendingFailures pending = new PendingFailures(2);

    assertThat(pending.offer(at("a", T0))).isTrue();
    assertThat(pending.offer(at("b", T0))).isTrue();
    assertThat(pending.offer(at("c", T0))).isFalse();

    assertThat(pending.size()).isEqualTo(2);
    assertThat(pending.dropped()).isEqualTo(1);
  }

  @Test
  void onlyThresholdFailuresAreKept() {
    SuspendOnFailure immediate =
        new SuspendOnFailure(Trigger.Immediate.INSTANCE, Duration.ofMinutes(1));

    assertThatThrownBy(() -> new PendingFailures.Pending("a", "ip-1", HealthEvent.Unplumbed,
        immediate, T0)).hasMessageContaining("only threshold failures");
  }
}
