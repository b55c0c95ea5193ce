package dev.egresskit.cli.bench;

/**
 * Tells when the JIT compilers have gone quiet, from readings taken between warm-up rounds: no
 * compile queued or running at a reading, and the compilers' own clock (total compilation time)
 * advanced by at most {@link #ALLOWED_SHARE} of the wall time over the last {@link #window}.
 *
 * <p>An empty queue at each reading is not enough on its own: C2 compiles that start and end
 * between two readings went unseen, and a warm-up ended that way left ~0.9 s of compiling in
 * the counted setups. The compilation clock sees every compile that finished in the window.
 * Where the JVM has no such clock ({@code compileMillis} is -1), the queue alone decides.
 */
final class JitQuiet {
  /** The compilers' share of the window's wall time that still counts as quiet (0.5 %). */
  static final double ALLOWED_SHARE = 0.005;

  private final long window;
  private long since = -1;
  private long compileMillisThen;

  /** @param windowNanos how long the compilers must stay quiet */
  JitQuiet(long windowNanos) {
    this.window = windowNanos;
  }

  /**
   * Takes one reading and says whether the compilers have now been quiet for the whole window.
   *
   * @param nowNanos {@link System#nanoTime()} of the reading
   * @param compileMillis the compilers' total time so far, or -1 where unknown
   * @param busy whether a compile is queued or running at the reading
   */
  boolean quietAfter(long nowNanos, long compileMillis, boolean busy) {
    if (busy) {
      since = -1;
      return false;
    }
    if (since < 0) {
      restart(nowNanos, compileMillis);
      return false;
    }
    long elapsed = nowNanos - since;
    if (compileMillis >= 0
        && (compileMillis - compileMillisThen) * 1_000_000.0 > ALLOWED_SHARE * elapsed) {
      restart(nowNanos, compileMillis); // the compilers worked in between: start over from here
      return false;
    }
    return elapsed >= window;
  }

  private void restart(long nowNanos, long compileMillis) {
    since = nowNanos;
    compileMillisThen = compileMillis;
  }
}
