package dev.egresskit.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.HealthRules;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.policy.JavaPolicy;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.resolve.SourceResolver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The source cache. A hit through {@link SourceResolver#resolve} is measured beside the floors:
 * {@code ConcurrentHashMap.get}, the same plus one shared {@link LongAdder#increment()} (the
 * least a counted lookup can cost: the target's baseline), a bare Caffeine {@code getIfPresent},
 * and Caffeine bounded with a per-entry lifetime (the cache's implementation before
 * {@code lruttl}); a miss
 * ({@code ttl = 0}) runs the handler every time, in Java, Lua and
 * JavaScript; {@code resolveSameNameUncacheable} makes every thread miss the same name at once,
 * which exercises single-flight under contention. {@link SuiteRunner} runs the suite at 1 and 2
 * threads.
 */
@State(Scope.Benchmark)
public class CacheBenchmarks extends BenchmarkDefaults {

  private ConcurrentHashMap<String, EgressSource> map;
  private final LongAdder counted = new LongAdder();
  private Cache<String, EgressSource> caffeine;
  private Cache<String, EgressSource> caffeineExpiring;
  private SourceResolver cachedJava;
  private SourceResolver uncacheableJava;
  private PolicyEngine lua;
  private PolicyEngine js;
  private SourceResolver uncacheableLua;
  private SourceResolver uncacheableJs;

  @Setup(Level.Trial)
  public void setUp() {
    map = new ConcurrentHashMap<>();
    caffeine = Caffeine.newBuilder().maximumSize(128).build();
    // The same configuration as the resolver's cache: bounded, per-entry lifetime.
    caffeineExpiring = Caffeine.newBuilder().maximumSize(128)
        .expireAfter(Expiry.creating((String key, EgressSource s) -> s.ttl()))
        .build();
    cachedJava = resolver(javaPolicy(Duration.ofHours(1)));
    uncacheableJava = resolver(javaPolicy(Duration.ZERO));
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    lua = BenchPolicies.load(BenchPolicies.write("lua", "0"), threads);
    js = BenchPolicies.load(BenchPolicies.write("js", "0"), threads);
    uncacheableLua = resolver(lua);
    uncacheableJs = resolver(js);
    for (String name : NAMES) {
      EgressSource source = cachedJava.resolve(name);
      map.put(name, source);
      caffeine.put(name, source);
      caffeineExpiring.put(name, source);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    lua.close();
    js.close();
  }

  private static SourceResolver resolver(PolicyEngine engine) {
    return SourceResolver.builder(engine).meterRegistry(new SimpleMeterRegistry()).build();
  }

  private static PolicyEngine javaPolicy(Duration ttl) {
    return JavaPolicy.builder()
        .scriptName("bench.java")
        .onGetEgressSource((String name) -> JavaPolicy.made(source(name, ttl)))
        .build();
  }

  /** The same source the Lua and JS benchmark policies build. */
  static EgressSource source(String name, Duration ttl) {
    int n = Integer.parseInt(name.substring(name.indexOf('-') + 1));
    try {
      InetAddress address = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + n % 8)});
      return new EgressSource(name, Optional.of("mta" + n + ".bench.example"),
          OptionalInt.empty(), ttl, HealthRules.NONE, new Route.Direct(Optional.of(address)));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Benchmark
  public EgressSource concurrentHashMapGet(NameCursor cursor) {
    return map.get(cursor.next());
  }

  @Benchmark
  public EgressSource concurrentHashMapGetCounted(NameCursor cursor) {
    EgressSource source = map.get(cursor.next());
    counted.increment();
    return source;
  }

  /** Lookups per invocation of the batch benchmarks. */
  static final int BATCH = 20_000;

  /**
   * {@link #resolveHit} in batches of {@link #BATCH}, timed per batch ({@code SampleTime}; the
   * score is per batch, divide by {@link #BATCH}: JMH would round a per-lookup sample to whole
   * nanoseconds). On a busy machine the median batch is one that no other process interrupted,
   * so its p50 is the hit's own cost, while the mean mostly counts waits for a CPU. Compare with
   * {@link #concurrentHashMapGetCountedBatch}.
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void resolveHitBatch(NameCursor cursor, Blackhole sink) {
    for (int i = 0; i < BATCH; i++) {
      sink.consume(cachedJava.resolve(cursor.next()));
    }
  }

  /** {@link #concurrentHashMapGetCounted} in batches, as {@link #resolveHitBatch}. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void concurrentHashMapGetCountedBatch(NameCursor cursor, Blackhole sink) {
    for (int i = 0; i < BATCH; i++) {
      sink.consume(map.get(cursor.next()));
      counted.increment();
    }
  }

  @Benchmark
  public EgressSource caffeineGetIfPresent(NameCursor cursor) {
    return caffeine.getIfPresent(cursor.next());
  }

  @Benchmark
  public EgressSource caffeineExpiringGetIfPresent(NameCursor cursor) {
    return caffeineExpiring.getIfPresent(cursor.next());
  }

  @Benchmark
  public EgressSource resolveHit(NameCursor cursor) {
    return cachedJava.resolve(cursor.next());
  }

  @Benchmark
  public EgressSource resolveUncacheableJava(NameCursor cursor) {
    return uncacheableJava.resolve(cursor.next());
  }

  @Benchmark
  public EgressSource resolveUncacheableLua(NameCursor cursor) {
    return uncacheableLua.resolve(cursor.next());
  }

  @Benchmark
  public EgressSource resolveUncacheableJs(NameCursor cursor) {
    return uncacheableJs.resolve(cursor.next());
  }

  @Benchmark
  public EgressSource resolveSameNameUncacheable() {
    return uncacheableJava.resolve("ip-7");
  }
}
