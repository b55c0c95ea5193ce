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
}
