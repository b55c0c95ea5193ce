package dev.egresskit.cli.bench;

import dev.egresskit.cli.options.FileAccessOptions;
import dev.egresskit.cli.output.BadInputException;
import dev.egresskit.cli.output.ExitCodes;
import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.output.Json;
import dev.egresskit.cli.output.TextTable;
import dev.egresskit.cli.run.AssembledRun;
import dev.egresskit.core.text.Printable;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.support.PooledPolicyEngine;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.core.resolve.SourceViews;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code egresskit bench policy}: the same policy in several languages, side by side: load time,
 * handler call latency and allocation per call, and a check that every policy resolves every
 * name to the same source.
 */
@Command(
    name = "policy",
    description = {
      "Load each policy, call its get_egress_source handler for every NAME (default: the"
          + " sources the first policy defines with define_egress_source), and report load time,"
          + " per-call latency and bytes allocated per call. Also checks that all policies"
          + " resolve every name to the same source (exit 1 when they do not), and says which"
          + " is faster and by how much.",
      ""
    })
final class BenchPolicyCommand implements java.util.concurrent.Callable<Integer> {

  /** The longest warm-up, whatever the JIT is doing. */
  static final Duration MAX_WARM_UP = Duration.ofSeconds(60);

  @ParentCommand BenchCommand parent;

  @Option(names = {"-p", "--policy"}, paramLabel = "FILE", required = true,
      description = "A policy to measure (.lua, .js, ...). Repeatable; give two or more to"
          + " compare.")
  List<Path> policies;

  @Mixin FileAccessOptions files = new FileAccessOptions();

  @Parameters(paramLabel = "NAME", arity = "0..*", description = "Source names to resolve.")
  List<String> names = new ArrayList<>();

  @Option(names = "-n", paramLabel = "CALLS", defaultValue = "2000",
      description = "Measured handler calls per policy, after as many warm-up calls and at"
          + " least --warm-up seconds of them (default: ${DEFAULT-VALUE}).")
  int calls;

  @Option(names = "--warm-up", paramLabel = "SECONDS", defaultValue = "3",
      description = "The least time spent on warm-up calls before measuring, as JMH's 3 warm-up"
          + " iterations of 1 s; warm-up then goes on until the JIT compilers have been idle"
          + " for 1 s (at most 60 s in all; 0: only as many calls as -n) (default:"
          + " ${DEFAULT-VALUE}).")
  int warmUpSeconds;

  /** Calls per {@link #timedCalls} run, in the warm-up and the counted run alike. */
  private static final int CHUNK = 500;

  @Option(names = "--loads", paramLabel = "N", defaultValue = "5",
      description = "How many times each policy is loaded, 1..1000; the median is reported"
          + " (default: ${DEFAULT-VALUE}; a few hundred let the JIT compile the load path).")
  int loads;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Option(names = "--chart", paramLabel = "PNG",
      description = "Also write load time and call latency per policy as a PNG chart.")
  Path chart;

  /**
   * What one policy measured.
   *
   * @param loadMillis             median time to load the policy (engine and first interpreter)
   * @param coldLoadMillis         the first of those loads (classes not yet loaded or compiled)
   * @param extraInterpreterMillis median time to load one more interpreter into a loaded
   *                               engine's pool ({@code NaN} when the engine has no pool)
   * @param extraInterpreterCpuMillis median CPU time of the loading thread for the same (less
   *                               than the wall time on a busy machine, where the thread waits
   *                               for a core; {@code NaN} as above)
   */
  record Measured(Path policy, String language, double loadMillis, double coldLoadMillis,
      double extraInterpreterMillis, double extraInterpreterCpuMillis, LatencyStats call,
      double allocBytesPerCall, Map<String, Object> views) {}

  @Override
  public Integer call() throws IOException {
    if (calls < 1 || calls > 10_000_000) {
      throw new BadInputException("-n must be 1..10000000, got " + calls);
    }
    if (warmUpSeconds < 0 || warmUpSeconds > 600) {
      throw new BadInputException("--warm-up must be 0..600 seconds, got " + warmUpSeconds);
    }
    if (loads < 1 || loads > 1000) {
      throw new BadInputException("--loads must be 1..1000, got " + loads);
    }
    Io io = parent.root.io();
    AssembledRun session = parent.root.run();
    List<Measured> measured = new ArrayList<>();
    for (Path policy : policies) {
      measured.add(measure(session, policy));
    }
    List<String> mismatches = mismatches(measured);
    if (chart != null) {
      writeChart(measured, chart);
    }
    if (json) {
      Json.print(io.out(), report(measured, mismatches));
    } else {
      printReport(io, measured, mismatches);
    }
    io.out().flush();
    return mismatches.isEmpty() ? ExitCodes.OK : ExitCodes.JOB_FAILED;
  }

  private Measured measure(AssembledRun session, Path policy) {
    double[] loadMillis = new double[loads];
    double[] extraMillis = new double[loads];
    double[] extraCpuMillis = new double[loads];
    int extras = 0;
    PolicyEngine engine = null;
    for (int i = 0; i < loads; i++) {
      long t0 = System.nanoTime();
      PolicyEngine loaded = session.loadPolicy(policy, files.access());
      loadMillis[i] = (System.nanoTime() - t0) / 1e6;
      if (loaded instanceof PooledPolicyEngine<?> pooled) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long t1 = System.nanoTime();
        if (pooled.preloadInterpreter()) {
          extraMillis[extras] = (System.nanoTime() - t1) / 1e6;
          extraCpuMillis[extras++] = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6;
        }
      }
      if (engine != null) {
        engine.close();
      }
      engine = loaded;
    }
    double coldLoad = loadMillis[0];
    Arrays.sort(loadMillis);
    double extraInterpreter = median(extraMillis, extras);
    double extraInterpreterCpu = median(extraCpuMillis, extras);
    try (PolicyEngine kept = engine) {
      if (names.isEmpty()) {
        names = new ArrayList<>(kept.definedSources().keySet());
        if (names.isEmpty()) {
          throw new BadInputException("name the sources to resolve: " + policy.getFileName()
              + " defines none with kumo.define_egress_source");
        }
      }
      SourceResolver resolver = session.resolver(kept, "uncached");
      // Views first: a policy that cannot resolve a name is reported, not measured.
      Map<String, Object> views = new LinkedHashMap<>();
      for (String name : names) {
        try {
          views.put(name, SourceViews.sourceView(resolver.resolve(name)));
        } catch (RuntimeException e) {
          views.put(name, "error: " + e.getMessage());
        }
      }
      boolean handled = kept.hasHandler(Hook.GET_EGRESS_SOURCE);
      double[] micros = new double[handled ? calls : 0];
      double alloc = Double.NaN;
      if (handled && views.values().stream().allMatch(v -> v instanceof Map)) {
        warmUp(kept, resolver);
        long allocBefore = allocatedByAllThreads();
        long start = System.nanoTime();
        for (int done = 0; done < calls; done += CHUNK) {
          timedCalls(kept, resolver, done, Math.min(CHUNK, calls - done), micros, done);
        }
        long wall = System.nanoTime() - start;
        alloc = (allocatedByAllThreads() - allocBefore) / (double) calls;
        return new Measured(policy, language(policy), loadMillis[loads / 2], coldLoad,
            extraInterpreter, extraInterpreterCpu, LatencyStats.of(micros, wall), alloc, views);
      }
      return new Measured(policy, language(policy), loadMillis[loads / 2], coldLoad,
          extraInterpreter, extraInterpreterCpu, LatencyStats.of(new double[0], 0), alloc, views);
    }
  }

  /**
   * Warm-up calls: as many as are measured, for at least {@code --warm-up} seconds, and then
   * until the JIT compilers have had nothing to do for a second ({@link JitQuiet}; at most {@link #MAX_WARM_UP}
   * in all). On a busy machine the C2 compile of LuaJ's interpreter loop alone took 8 s of wall
   * time; a count or a fixed time measured half-compiled code, 3-5x JMH's figure.
   */
  private void warmUp(PolicyEngine engine, SourceResolver resolver) {
    long start = System.nanoTime();
    long least = warmUpSeconds * 1_000_000_000L;
    JitQuiet jit = new JitQuiet(1_000_000_000L);
    double[] scratch = new double[CHUNK];
    for (int i = 0; ; i += CHUNK) {
      timedCalls(engine, resolver, i, CHUNK, scratch, 0);
      long now = System.nanoTime();
      if (i < calls || now - start < least) {
        continue;
      }
      if (warmUpSeconds == 0 || now - start >= MAX_WARM_UP.toNanos()) {
        return;
      }
      if (jit.quietAfter(now, Jit.compileMillis(), Jit.busy())) {
        return;
      }
    }
  }

  /**
   * Calls {@code n} handler calls from call number {@code first} (names in turn), each timed into
   * {@code out} from {@code outFrom}. The warm-up and the counted run both call this, in chunks:
   * the counted calls then run the very code the JIT compiled while warming up. A counted loop of
   * its own started in the interpreter and ran the handler's call chain as C1 had left it until
   * C2 compiled it again, so p50s came out 5-7x high in some runs and not in others.
   */
  private void timedCalls(PolicyEngine engine, SourceResolver resolver, int first, int n,
      double[] out, int outFrom) {
    for (int k = 0; k < n; k++) {
      long t0 = System.nanoTime();
      engine.invoke(Hook.GET_EGRESS_SOURCE, names.get((first + k) % names.size()), resolver);
      out[outFrom + k] = (System.nanoTime() - t0) / 1000.0;
    }
  }

  /**
   * Bytes allocated so far by every live thread: a plug-in engine may run handlers on threads
   * of its own, so the calling thread's count alone could miss them. Other threads' allocations
   * during the run are included.
   */
  /** CPU time of the thread that loads an extra interpreter (the pool loads it on the caller). */
  private static final java.lang.management.ThreadMXBean THREADS =
      ManagementFactory.getThreadMXBean();

  private static long allocatedByAllThreads() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long total = 0;
    for (long allocated : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      total += Math.max(0, allocated); // -1 for a thread that ended in between
    }
    return total;
  }

  private static String language(Path policy) {
    String file = policy.getFileName().toString();
    int dot = file.lastIndexOf('.');
    return dot < 0 ? "?" : file.substring(dot + 1);
  }

  /** Names whose resolved source differs between the first policy and another one. */
  private List<String> mismatches(List<Measured> measured) {
    List<String> out = new ArrayList<>();
    Measured first = measured.get(0);
    for (Measured other : measured.subList(1, measured.size())) {
      for (String name : names) {
        Object a = first.views().get(name);
        Object b = other.views().get(name);
        if (!Objects.equals(a, b)) {
          out.add(name + ": " + first.policy().getFileName() + " gives " + a + " but "
              + other.policy().getFileName() + " gives " + b);
        }
      }
    }
    for (Measured m : measured) {
      m.views().forEach((name, view) -> {
        if (view instanceof String error && !out.contains(name)) {
          out.add(name + ": " + m.policy().getFileName() + " " + error);
        }
      });
    }
    return out;
  }

  /** "lua is 2.31× faster than js per handler call", when at least two were measured. */
  private static List<String> verdicts(List<Measured> measured) {
    List<Measured> timed = measured.stream().filter(m -> m.call().count() > 0).toList();
    List<String> out = new ArrayList<>();
    if (timed.size() < 2) {
      return out;
    }
    Measured fastCall = timed.stream().min((a, b) -> Double.compare(a.call().mean(),
        b.call().mean())).orElseThrow();
    for (Measured m : timed) {
      if (m != fastCall) {
        out.add(String.format("per handler call, %s is %.2f× faster than %s (mean %.1f µs vs"
            + " %.1f µs)", fastCall.policy().getFileName(), m.call().mean() / fastCall.call().mean(),
            m.policy().getFileName(), fastCall.call().mean(), m.call().mean()));
      }
    }
    Measured fastLoad = measured.stream().min((a, b) -> Double.compare(a.loadMillis(),
        b.loadMillis())).orElseThrow();
    for (Measured m : measured) {
      if (m != fastLoad) {
        out.add(String.format("to load, %s is %.2f× faster than %s (%.1f ms vs %.1f ms)",
            fastLoad.policy().getFileName(), m.loadMillis() / fastLoad.loadMillis(),
            m.policy().getFileName(), fastLoad.loadMillis(), m.loadMillis()));
      }
    }
    return out;
  }

  private Map<String, Object> report(List<Measured> measured, List<String> mismatches) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("names", names);
    out.put("calls", calls);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Measured m : measured) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("policy", m.policy().toString());
      row.put("language", m.language());
      row.put("load_ms", Math.round(m.loadMillis() * 100) / 100.0);
      row.put("cold_load_ms", Math.round(m.coldLoadMillis() * 100) / 100.0);
      row.put("extra_interpreter_ms", Double.isNaN(m.extraInterpreterMillis()) ? null
          : Math.round(m.extraInterpreterMillis() * 100) / 100.0);
      row.put("extra_interpreter_cpu_ms", Double.isNaN(m.extraInterpreterCpuMillis()) ? null
          : Math.round(m.extraInterpreterCpuMillis() * 100) / 100.0);
      row.put("call", m.call().view());
      row.put("alloc_bytes_per_call", Double.isNaN(m.allocBytesPerCall()) ? null
          : Math.round(m.allocBytesPerCall()));
      rows.add(row);
    }
    out.put("policies", rows);
    out.put("same_sources", mismatches.isEmpty());
    out.put("mismatches", mismatches);
    out.put("verdicts", verdicts(measured));
    return out;
  }

  private void printReport(Io io, List<Measured> measured, List<String> mismatches) {
    io.out().println(io.style().bold("bench policy") + ": " + names.size() + " name(s), "
        + calls + " measured calls per policy (latency in µs)");
    TextTable table = new TextTable("policy", "cold load ms", "load ms", "+1 interp. ms", "p50",
        "p90", "p99", "mean", "alloc B/call");
    for (Measured m : measured) {
      LatencyStats c = m.call();
      table.row(m.policy().getFileName().toString(), String.format("%.1f", m.coldLoadMillis()),
          String.format("%.1f", m.loadMillis()), Double.isNaN(m.extraInterpreterMillis()) ? "-"
              : String.format("%.2f", m.extraInterpreterMillis()),
          us(c.p50()), us(c.p90()), us(c.p99()), us(c.mean()),
          Double.isNaN(m.allocBytesPerCall()) ? "-" : String.format("%.0f", m.allocBytesPerCall()));
    }
    io.out().print(table.render(io.style()));
    for (String verdict : verdicts(measured)) {
      io.out().println(verdict);
    }
    if (mismatches.isEmpty()) {
      io.out().println(io.style().green("every policy resolves every name to the same source"));
    } else {
      for (String m : mismatches) {
        io.out().println(io.style().red("mismatch: " + Printable.escape(m)));
      }
    }
  }

  private static String us(double micros) {
    return Double.isNaN(micros) ? "-" : String.format("%.1f", micros);
  }

  private static void writeChart(List<Measured> measured, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    CategoryChart chart = new CategoryChartBuilder().width(900).height(540)
        .title("Policy handler call latency").xAxisTitle("policy").yAxisTitle("µs").build();
    List<String> labels = measured.stream().map(m -> m.policy().getFileName().toString())
        .toList();
    chart.addSeries("p50", labels, measured.stream().map(m -> nanToZero(m.call().p50())).toList());
    chart.addSeries("p99", labels, measured.stream().map(m -> nanToZero(m.call().p99())).toList());
    chart.addSeries("mean", labels,
        measured.stream().map(m -> nanToZero(m.call().mean())).toList());
    String name = file.toString();
    BitmapEncoder.saveBitmap(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4)
        : name, BitmapEncoder.BitmapFormat.PNG);
  }

  private static Double nanToZero(double value) {
    return Double.isNaN(value) ? 0.0 : value;
  }

  /** The median of the first {@code n} values ({@code NaN} when there are none). */
  private static double median(double[] values, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    double[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    return sorted[n / 2];
  }
}
