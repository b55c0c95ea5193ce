package dev.egresskit.cli.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a benchmark run cost the measuring process itself: CPU time (user + system, every
 * thread) per operation, and how many cores that kept busy. When the process kept close to every
 * thread that does the work busy, the figures describe the client, not the thing measured.
 *
 * @param cpuMicrosPerOp CPU time of this process per completed operation, in microseconds
 * @param coresBusy      CPU time over wall time: 1.0 is one core busy the whole run
 * @param coresAvailable the cores the work could use: event-loop threads in use, at most the
 *                       machine's processors
 */
record ClientCost(double cpuMicrosPerOp, double coresBusy, int coresAvailable) {
  /** Busier than this share of the usable cores counts as client-bound. */
  static final double CLIENT_BOUND_SHARE = 0.8;

  /** Reads the process CPU clock; compare two readings with {@link #between}. */
  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean hotspot) {
      return hotspot.getProcessCpuTime();
    }
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos()).orElse(-1L);
  }

  /** The cost of {@code ops} operations between two CPU readings over {@code wallNanos}. */
  static ClientCost between(long cpuBefore, long cpuAfter, long wallNanos, int ops,
      int threadsInUse) {
    int cores = Math.max(1, Math.min(threadsInUse, Runtime.getRuntime().availableProcessors()));
    if (cpuBefore < 0 || cpuAfter < 0 || ops == 0 || wallNanos <= 0) {
      return new ClientCost(Double.NaN, Double.NaN, cores);
    }
    long cpu = cpuAfter - cpuBefore;
    return new ClientCost(cpu / 1000.0 / ops, (double) cpu / wallNanos, cores);
  }

  /** True when the measuring process, not the route, limited the rate. */
  boolean clientBound() {
    return !Double.isNaN(coresBusy) && coresBusy >= CLIENT_BOUND_SHARE * coresAvailable;
  }

  /** JSON-friendly figures. */
  Map<String, Object> view() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("cpu_us_per_setup", Double.isNaN(cpuMicrosPerOp) ? null
        : Math.round(cpuMicrosPerOp * 10) / 10.0);
    v.put("cores_busy", Double.isNaN(coresBusy) ? null : Math.round(coresBusy * 100) / 100.0);
    v.put("cores_available", coresAvailable);
    v.put("client_bound", clientBound());
    return v;
  }
}
