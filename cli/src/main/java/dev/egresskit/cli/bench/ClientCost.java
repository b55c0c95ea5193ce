package dev.egresskit.cli.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a benchmark run cost the measuring process itself: CPU time (user + system, every
 * thread) per operation, and how many cores that kept busy. When the process kept close to every
 * thread that does the work busy, the figures describe the client, not the thing measured. The
 * JIT compilers' and the garbage collector's share of the run are reported beside it: a JIT still
 * compiling during the counted run means the warm-up was too short.
 *
 * @param cpuMicrosPerOp CPU time of this process per completed operation, in microseconds
 * @param coresBusy      CPU time over wall time: 1.0 is one core busy the whole run
 * @param coresAvailable the cores the work could use: event-loop threads in use, at most the
 *                       machine's processors
 * @param jitMillis      time the JIT compilers spent during the run, -1 when unknown
 * @param gcMillis       time the garbage collectors spent during the run, -1 when unknown
 */
record ClientCost(double cpuMicrosPerOp, double coresBusy, int coresAvailable, long jitMillis,
    long gcMillis) {
  /** Busier than this share of the usable cores counts as client-bound. */
  static final double CLIENT_BOUND_SHARE = 0.8;
  /** A JIT busier than this share of the run's CPU time means the warm-up was too short. */
  static final double JIT_SHARE_WARNING = 0.1;

  /**
   * The process's clocks at one moment; subtract two with {@link #minus} and add the spans of a
   * run measured in slices with {@link #plus}. A clock the JVM cannot read is -1.
   *
   * @param cpuNanos  process CPU time
   * @param jitMillis JIT compile time
   * @param gcMillis  garbage collection time (every collector)
   */
  record Reading(long cpuNanos, long jitMillis, long gcMillis) {
    /** Nothing spent. */
    static final Reading ZERO = new Reading(0, 0, 0);

    /** The clocks now. */
    static Reading now() {
      return new Reading(processCpuNanos(), Jit.compileMillis(), collectorMillis());
    }

    /** What was spent from {@code earlier} to this reading. */
    Reading minus(Reading earlier) {
      return new Reading(span(earlier.cpuNanos, cpuNanos), span(earlier.jitMillis, jitMillis),
          span(earlier.gcMillis, gcMillis));
    }

    /** Two spans together. */
    Reading plus(Reading other) {
      return new Reading(sum(cpuNanos, other.cpuNanos), sum(jitMillis, other.jitMillis),
          sum(gcMillis, other.gcMillis));
    }

    private static long span(long before, long after) {
      return before < 0 || after < 0 ? -1 : after - before;
    }

    private static long sum(long a, long b) {
      return a < 0 || b < 0 ? -1 : a + b;
    }
  }

  /** Reads the process CPU clock, or -1 where the JVM cannot. */
  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean hotspot) {
      return hotspot.getProcessCpuTime();
    }
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos()).orElse(-1L);
  }

  private static long collectorMillis() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      long t = gc.getCollectionTime();
      if (t < 0) {
        return -1;
      }
      total += t;
    }
    return total;
  }

  /** The cost of {@code ops} operations between two CPU readings over {@code wallNanos}. */
  static ClientCost between(long cpuBefore, long cpuAfter, long wallNanos, int ops,
      int threadsInUse) {
    long cpu = cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore;
    return of(new Reading(cpu, -1, -1), wallNanos, ops, threadsInUse);
  }

  /** The cost of {@code ops} operations that spent {@code spent} over {@code wallNanos}. */
  static ClientCost of(Reading spent, long wallNanos, int ops, int threadsInUse) {
    int cores = Math.max(1, Math.min(threadsInUse, Runtime.getRuntime().availableProcessors()));
    if (spent.cpuNanos() < 0 || ops == 0 || wallNanos <= 0) {
      return new ClientCost(Double.NaN, Double.NaN, cores, spent.jitMillis(), spent.gcMillis());
    }
    long cpu = spent.cpuNanos();
    return new ClientCost(cpu / 1000.0 / ops, (double) cpu / wallNanos, cores,
        spent.jitMillis(), spent.gcMillis());
  }

  /** True when the measuring process, not the route, limited the rate. */
  boolean clientBound() {
    return !Double.isNaN(coresBusy) && coresBusy >= CLIENT_BOUND_SHARE * coresAvailable;
  }

  /**
   * True when the JIT compilers took more than {@link #JIT_SHARE_WARNING} of the run's CPU time:
   * the run measured code still being compiled.
   */
  boolean stillCompiling(int ops) {
    if (Double.isNaN(cpuMicrosPerOp) || jitMillis < 0 || ops == 0) {
      return false;
    }
    return jitMillis * 1000.0 > JIT_SHARE_WARNING * cpuMicrosPerOp * ops;
  }

  /** JSON-friendly figures. */
  Map<String, Object> view() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("cpu_us_per_setup", Double.isNaN(cpuMicrosPerOp) ? null
        : Math.round(cpuMicrosPerOp * 10) / 10.0);
    v.put("cores_busy", Double.isNaN(coresBusy) ? null : Math.round(coresBusy * 100) / 100.0);
    v.put("cores_available", coresAvailable);
    v.put("client_bound", clientBound());
    v.put("jit_ms", jitMillis < 0 ? null : jitMillis);
    v.put("gc_ms", gcMillis < 0 ? null : gcMillis);
    return v;
  }
}
