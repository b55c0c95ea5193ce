package dev.egresskit.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The client's own cost per setup, and when it is the bottleneck. */
class ClientCostTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void cpuPerOperationIsTheCpuTimeBetweenTheReadingsOverTheOperations() {
    ClientCost cost = ClientCost.between(5 * SECOND, 7 * SECOND, 4 * SECOND, 10_000, 1);
    assertThat(cost.cpuMicrosPerOp()).isEqualTo(200.0);
    assertThat(cost.coresBusy()).isEqualTo(0.5);
    assertThat(cost.clientBound()).isFalse();
  }

  @Test
  void aClientKeepingItsOneLoopBusyIsTheBottleneck() {
    ClientCost cost = ClientCost.between(0, 9 * SECOND, 10 * SECOND, 10_000, 1);
    assertThat(cost.coresAvailable()).isEqualTo(1);
    assertThat(cost.clientBound()).isTrue();
  }

  @Test
  void moreLoopsInUseRaiseTheBarUpToTheMachinesProcessors() {
    int cores = Runtime.getRuntime().availableProcessors();
    ClientCost cost = ClientCost.between(0, 9 * SECOND, 10 * SECOND, 10_000, 64);
    assertThat(cost.coresAvailable()).isEqualTo(cores);
    assertThat(cost.clientBound()).isEqualTo(cores == 1);
  }

  @Test
  void anUnreadableClockGivesNoFiguresAndNoWarning() {
    ClientCost cost = ClientCost.between(-1, -1, SECOND, 10, 1);
    assertThat(cost.cpuMicrosPerOp()).isNaN();
    assertThat(cost.clientBound()).isFalse();
    assertThat(cost.view().get("cpu_us_per_setup")).isNull();
  }

  @Test
  void readingsSubtractAndAddAndAnUnknownClockStaysUnknown() {
    ClientCost.Reading a = new ClientCost.Reading(10 * SECOND, 100, 7);
    ClientCost.Reading b = new ClientCost.Reading(12 * SECOND, 400, 9);
    assertThat(b.minus(a)).isEqualTo(new ClientCost.Reading(2 * SECOND, 300, 2));
    assertThat(b.minus(a).plus(b.minus(a))).isEqualTo(new ClientCost.Reading(4 * SECOND, 600, 4));
    ClientCost.Reading noJit = new ClientCost.Reading(12 * SECOND, -1, 9);
    assertThat(noJit.minus(a).jitMillis()).isEqualTo(-1);
    assertThat(ClientCost.Reading.ZERO.plus(noJit.minus(a)).jitMillis()).isEqualTo(-1);
  }

  @Test
  void aJitBusyForMoreThanATenthOfTheCpuMeansTheWarmUpWasTooShort() {
    // 2 s of CPU over 10,000 setups: 200 ms of compiling is the limit.
    ClientCost compiling = ClientCost.of(new ClientCost.Reading(2 * SECOND, 201, 0), 4 * SECOND,
        10_000, 1);
    ClientCost warm = ClientCost.of(new ClientCost.Reading(2 * SECOND, 199, 0), 4 * SECOND,
        10_000, 1);
    assertThat(compiling.stillCompiling(10_000)).isTrue();
    assertThat(warm.stillCompiling(10_000)).isFalse();
    assertThat(warm.view()).containsEntry("jit_ms", 199L).containsEntry("gc_ms", 0L);
    assertThat(ClientCost.of(new ClientCost.Reading(2 * SECOND, -1, -1), SECOND, 10, 1).view())
        .containsEntry("jit_ms", null).containsEntry("gc_ms", null);
  }

  @Test
  void theProcessClocksAdvance() {
    ClientCost.Reading before = ClientCost.Reading.now();
    long spin = 0;
    for (int i = 0; i < 5_000_000; i++) {
      spin += Integer.toString(i).length();
    }
    ClientCost.Reading spent = ClientCost.Reading.now().minus(before);
    assertThat(spin).isPositive();
    assertThat(spent.cpuNanos()).isPositive();
    assertThat(spent.jitMillis()).isNotNegative();
    assertThat(spent.gcMillis()).isNotNegative();
  }
}
