package dev.egresskit.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When a warm-up may end: readings of the compile queue and the compilers' own clock. */
class JitQuietTest {
  private static final long MS = 1_000_000L;
  private static final long SECOND = 1000 * MS;

  @Test
  void anEmptyQueueAndAStillClockForTheWholeWindowIsQuiet() {
    JitQuiet jit = new JitQuiet(SECOND);
    assertThat(jit.quietAfter(0, 5000, false)).isFalse();          // the window starts here
    assertThat(jit.quietAfter(600 * MS, 5000, false)).isFalse();   // not a whole second yet
    assertThat(jit.quietAfter(SECOND, 5000, false)).isTrue();
  }

  @Test
  void aCompileThatRanBetweenTwoEmptyQueueReadingsStartsTheWindowAgain() {
    JitQuiet jit = new JitQuiet(SECOND);
    jit.quietAfter(0, 5000, false);
    // The queue was empty at both readings, but C2 spent 300 ms compiling in between.
    assertThat(jit.quietAfter(SECOND, 5300, false)).isFalse();
    assertThat(jit.quietAfter(1500 * MS, 5300, false)).isFalse(); // quiet since 1 s only
    assertThat(jit.quietAfter(2 * SECOND, 5300, false)).isTrue();
  }

  @Test
  void aFewMillisecondsOfCompilingInASecondStillCountAsQuiet() {
    JitQuiet jit = new JitQuiet(SECOND);
    jit.quietAfter(0, 5000, false);
    assertThat(jit.quietAfter(SECOND, 5005, false)).isTrue();      // 0.5 % of the second
    JitQuiet busier = new JitQuiet(SECOND);
    busier.quietAfter(0, 5000, false);
    assertThat(busier.quietAfter(SECOND, 5006, false)).isFalse();
  }

  @Test
  void aQueuedCompileIsNeverQuietAndRestartsTheWindow() {
    JitQuiet jit = new JitQuiet(SECOND);
    jit.quietAfter(0, 5000, false);
    assertThat(jit.quietAfter(900 * MS, 5000, true)).isFalse();
    assertThat(jit.quietAfter(SECOND, 5000, false)).isFalse();     // the window starts again
    assertThat(jit.quietAfter(2 * SECOND, 5000, false)).isTrue();
  }

  @Test
  void withoutACompilationClockTheQueueAloneDecides() {
    JitQuiet jit = new JitQuiet(SECOND);
    assertThat(jit.quietAfter(0, -1, false)).isFalse();
    assertThat(jit.quietAfter(SECOND, -1, false)).isTrue();
  }
}
