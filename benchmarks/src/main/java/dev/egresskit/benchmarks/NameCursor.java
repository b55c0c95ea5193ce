package dev.egresskit.benchmarks;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** A per-thread position in {@link BenchmarkDefaults#NAMES}. */
@State(Scope.Thread)
public class NameCursor {
  private int next;

  /** The next name, cycling. */
  public String next() {
    String[] names = BenchmarkDefaults.NAMES;
    String name = names[next];
    next = next + 1 == names.length ? 0 : next + 1;
    return name;
  }
}
