package dev.egresskit.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CoarseClockTest {
  @Test
  void theCoarseClockNeverRunsAheadOfTheSystemClockAndKeepsMoving() throws Exception {
    CoarseClock clock = CoarseClock.shared();
    long before = clock.read();
    assertThat(clock.read()).isLessThanOrEqualTo(System.nanoTime());
    // Bounded wait (no sleep): the clock thread advances it within a tick while it runs.
    long giveUp = System.nanoTime() + 10_000_000_000L;
    while (clock.read() == before && System.nanoTime() < giveUp) {
      Thread.onSpinWait();
    }
    assertThat(clock.read()).isGreaterThan(before);
  }
}
