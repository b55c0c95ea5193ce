package dev.egresskit.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The one place that fixes forks, warm-up and measurement for every suite: throughput in
 * operations per second, one fork with a fixed heap, 3 warm-up and 5 measured one-second
 * iterations. {@link SuiteRunner} overrides these only for its quick (smoke) mode.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class BenchmarkDefaults {
  /** Names cycled through by the lookups, so no benchmark measures a single hot key. */
  static final String[] NAMES = names(64);

  private static String[] names(int count) {
    String[] names = new String[count];
    for (int i = 0; i < count; i++) {
      names[i] = "ip-" + i;
    }
    return names;
  }
}
