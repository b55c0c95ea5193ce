package dev.egresskit.benchmarks;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.resolve.SourceResolver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The same policy in Lua and JavaScript: how long loading takes (a fresh engine with one
 * interpreter, then closed) and how long one {@code get_egress_source} handler call takes,
 * including validation of what it built. Average time per operation; {@link SuiteRunner} adds
 * JMH's GC profiler so allocation per call is reported too.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PolicyBenchmarks extends BenchmarkDefaults {

  private Path luaFile;
  private Path jsFile;
  private PolicyEngine lua;
  private PolicyEngine js;
  private SourceResolver lookup;

  @Setup(Level.Trial)
  public void setUp() {
    luaFile = BenchPolicies.write("lua", "5 mins");
    jsFile = BenchPolicies.write("js", "5 mins");
    lua = BenchPolicies.load(luaFile, 1);
    js = BenchPolicies.load(jsFile, 1);
    lookup = SourceResolver.builder(lua).meterRegistry(new SimpleMeterRegistry()).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    lua.close();
    js.close();
  }

  @Benchmark
  public void loadLua() {
    BenchPolicies.load(luaFile, 1).close();
  }

  @Benchmark
  public void loadJs() {
    BenchPolicies.load(jsFile, 1).close();
  }

  @Benchmark
  public Made<EgressSource> callLua(NameCursor cursor) {
    return lua.invoke(Hook.GET_EGRESS_SOURCE, cursor.next(), lookup);
  }

  @Benchmark
  public Made<EgressSource> callJs(NameCursor cursor) {
    return js.invoke(Hook.GET_EGRESS_SOURCE, cursor.next(), lookup);
  }
}
