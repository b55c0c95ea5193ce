package dev.egresskit.cli.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latency figures of one series of measurements, in microseconds: nearest-rank percentiles
 * (p50, p90, p99), the maximum, the mean and the rate over the wall time of the run.
 *
 * @param count    measurements
 * @param p50      median
 * @param p90      90th percentile
 * @param p99      99th percentile
 * @param max      slowest
 * @param mean     arithmetic mean
 * @param perSecond measurements per second of wall time
 */
record LatencyStats(int count, double p50, double p90, double p99, double max, double mean,
    double perSecond) {

  /** Figures for {@code micros} (unsorted; not modified) measured over {@code wallNanos}. */
  static LatencyStats of(double[] micros, long wallNanos) {
    if (micros.length == 0) {
      return new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
    }
    double[] sorted = micros.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (double m : sorted) {
      sum += m;
    }
    double rate = wallNanos > 0 ? sorted.length / (wallNanos / 1e9) : Double.NaN;
    return new LatencyStats(sorted.length, rank(sorted, 0.50), rank(sorted, 0.90),
        rank(sorted, 0.99), sorted[sorted.length - 1], sum / sorted.length, rate);
  }

  private static double rank(double[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /** The figures as a JSON-friendly map (microseconds, rate per second). */
  Map<String, Object> view() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("count", count);
    v.put("p50_us", round(p50));
    v.put("p90_us", round(p90));
    v.put("p99_us", round(p99));
    v.put("max_us", round(max));
    v.put("mean_us", round(mean));
    v.put("per_second", round(perSecond));
    return v;
  }

  private static Object round(double value) {
    return Double.isNaN(value) ? null : Math.round(value * 10) / 10.0;
  }

  /** Milliseconds with three decimals, for tables. */
  static String ms(double micros) {
    return Double.isNaN(micros) ? "-" : String.format("%.3f", micros / 1000.0);
  }
}
