package dev.egresskit.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The benchmark suites, the thread counts each runs at, and the ratios each reports. */
public enum Suite {
  /** Source cache against plain maps; misses through Java, Lua and JS. */
  CACHE(CacheBenchmarks.class, List.of(1, 2), false, List.of(
      Comparison.time("cache hit vs ConcurrentHashMap.get + LongAdder.increment", "resolveHit",
          "concurrentHashMapGetCounted", 1, 1.5),
      Comparison.time("cache hit vs ConcurrentHashMap.get + LongAdder.increment", "resolveHit",
          "concurrentHashMapGetCounted", 2, 1.5),
      Comparison.timeInfo("cache hit vs ConcurrentHashMap.get", "resolveHit",
          "concurrentHashMapGet", 1),
      Comparison.timeInfo("cache hit vs Caffeine getIfPresent", "resolveHit",
          "caffeineGetIfPresent", 1),
      Comparison.timeInfo("cache hit vs Caffeine with per-entry expiry", "resolveHit",
          "caffeineExpiringGetIfPresent", 1),
      Comparison.timeInfo("Caffeine with per-entry expiry vs ConcurrentHashMap.get",
          "caffeineExpiringGetIfPresent", "concurrentHashMapGet", 1),
      Comparison.timeInfo("Lua miss vs Java miss", "resolveUncacheableLua",
          "resolveUncacheableJava", 1),
      Comparison.timeInfo("JavaScript miss vs Lua miss", "resolveUncacheableJs",
          "resolveUncacheableLua", 1),
      Comparison.timeInfo("same-name misses, 2 threads vs 1", "resolveSameNameUncacheable",
          "resolveUncacheableJava", 2))),
  /** Policy load time and handler calls, Lua beside JavaScript, with allocation per call. */
  POLICY(PolicyBenchmarks.class, List.of(1), true, List.of(
      Comparison.timeInfo("JavaScript load vs Lua load", "loadJs", "loadLua", 1),
      Comparison.time("JavaScript handler call vs Lua handler call", "callJs", "callLua", 1,
          2.0))),
  /** Connection setup per route against a blocking socket, at 1 and 16 concurrent setups. */
  CONNECT(ConnectBenchmarks.class, List.of(1, 16), false, List.of(
      Comparison.rate("direct vs blocking socket", "direct", "blockingSocketBaseline", 1, 0.9),
      Comparison.rate("direct vs blocking socket", "direct", "blockingSocketBaseline", 16, 1.0),
      Comparison.rate("HAProxy vs direct", "haproxy", "direct", 1, 0.9),
      Comparison.rate("HAProxy vs direct", "haproxy", "direct", 16, 0.9),
      Comparison.rate("SOCKS5 BIND+CONNECT vs direct", "socks5BindThenConnect", "direct", 1, 0.5),
      Comparison.rate("SOCKS5 BIND+CONNECT vs direct", "socks5BindThenConnect", "direct", 16,
          0.5),
      Comparison.rate("SOCKS5 CONNECT vs direct", "socks5Connect", "direct", 1, 0.5),
      Comparison.rate("SOCKS5 CONNECT vs direct, chained as bench connect",
          "socks5ConnectChained", "directChained", 1, 0.6),
      Comparison.rate("SOCKS5 CONNECT vs direct, chained as bench connect",
          "socks5ConnectChained", "directChained", 16, 0.6),
      Comparison.rate("SOCKS5 BIND+CONNECT vs direct, chained as bench connect",
          "socks5BindThenConnectChained", "directChained", 1, 0.6),
      Comparison.rate("SOCKS5 BIND+CONNECT vs direct, chained as bench connect",
          "socks5BindThenConnectChained", "directChained", 16, 0.6),
      Comparison.rate("direct with bind vs direct", "directBound", "direct", 1, 0.9))),
  /** A first login from one address while another floods the proxy with wrong passwords. */
  AUTH(AuthFloodBenchmarks.class, List.of(1), false, List.of(
      Comparison.time("first login under a one-address flood vs one check under it",
          "loginUnderFlood", "checkUnderFlood", 1, 2.0),
      Comparison.timeInfo("login alone vs one check alone", "loginAlone", "checkAlone", 1),
      Comparison.timeInfo("one check under the flood vs alone", "checkUnderFlood", "checkAlone",
          1)));

  private final Class<?> benchmarks;
  private final List<Integer> threads;
  private final boolean profileAllocation;
  private final List<Comparison> comparisons;

  Suite(Class<?> benchmarks, List<Integer> threads, boolean profileAllocation,
      List<Comparison> comparisons) {
    this.benchmarks = benchmarks;
    this.threads = threads;
    this.profileAllocation = profileAllocation;
    this.comparisons = comparisons;
  }

  /** The suite's name on the command line and in result file names. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The suite called {@code id}, if any. */
  public static Optional<Suite> byId(String id) {
    for (Suite s : values()) {
      if (s.id().equals(id)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  Class<?> benchmarks() {
    return benchmarks;
  }

  List<Integer> threads() {
    return threads;
  }

  boolean profileAllocation() {
    return profileAllocation;
  }

  List<Comparison> comparisons() {
    return comparisons;
  }
}
