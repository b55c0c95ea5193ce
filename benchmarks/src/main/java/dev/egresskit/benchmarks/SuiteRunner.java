package dev.egresskit.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs one suite at each of its thread counts and writes {@code <out>/<suite>.json} (every
 * result, the machine, and the suite's ratios) and {@code <out>/<suite>.md} (the same as markdown
 * tables).
 *
 * <pre>
 * java -cp benchmarks.jar dev.egresskit.benchmarks.SuiteRunner cache|policy|connect|auth|all
 *     [--quick] [--forks N] [--out DIR] [-p NAME=VALUE ...]
 * </pre>
 *
 * <p>{@code --quick} is a smoke run of seconds (one short warm-up and measurement): its numbers
 * only prove the suite still runs. {@code -p} sets a benchmark parameter as JMH's own {@code -p}
 * does, e.g. {@code -p sink=127.0.0.1:2525 -p socks=127.0.0.1:1080} for the {@code connect}
 * suite (see {@link ConnectBenchmarks}); the parameters are written into both result files.
 */
public final class SuiteRunner {

  /**
   * How one run is configured.
   *
   * @param params benchmark parameters by name, passed to JMH as its {@code -p} does
   */
  record Settings(boolean quick, int forks, Path out, Map<String, String> params) {
    Settings {
      params = Map.copyOf(params);
    }

    /** No parameters: every benchmark's defaults. */
    Settings(boolean quick, int forks, Path out) {
      this(quick, forks, out, Map.of());
    }
  }

  /** One benchmark result at one thread count. */
  record Measured(String benchmark, int threads, String mode, double score, double error,
      String unit, Double allocBytesPerOp) {

    /** Seconds per operation, whatever the mode and unit. */
    double secondsPerOp() {
      // Throughput units read "ops/<time>", average-time units "<time>/op".
      boolean throughput = unit.startsWith("ops/");
      String time = throughput ? unit.substring(4) : unit.substring(0, unit.indexOf('/'));
      double seconds = switch (time) {
        case "min" -> 60.0;
        case "s" -> 1.0;
        case "ms" -> 1e-3;
        case "us" -> 1e-6;
        case "ns" -> 1e-9;
        default -> throw new IllegalStateException("unexpected unit " + unit);
      };
      return throughput ? seconds / score : score * seconds;
    }
  }

  private SuiteRunner() {}

  public static void main(String[] args) throws Exception {
    List<Suite> suites = new ArrayList<>();
    boolean quick = false;
    int forks = -1;
    Path out = Path.of("benchmarks", "results");
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--forks" -> forks = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "-p" -> {
          String param = i + 1 < args.length ? args[++i] : "";
          int eq = param.indexOf('=');
          if (eq < 1) {
            throw new IllegalArgumentException(
                "-p expects NAME=VALUE (e.g. -p sink=127.0.0.1:2525), got '" + param + "'");
          }
          params.put(param.substring(0, eq), param.substring(eq + 1));
        }
        case "all" -> suites.addAll(List.of(Suite.values()));
        default -> {
          String id = args[i];
          suites.add(Suite.byId(id).orElseThrow(() -> new IllegalArgumentException(
              "unknown suite '" + id + "'; expected cache, policy, connect or all")));
        }
      }
    }
    if (suites.isEmpty()) {
      System.err.println("usage: SuiteRunner cache|policy|connect|auth|all [--quick] [--forks N] "
          + "[--out DIR] [-p NAME=VALUE ...]");
      System.exit(2);
    }
    Settings settings = new Settings(quick, forks, out, params);
    for (Suite suite : suites) {
      Path markdown = run(suite, settings);
      System.out.println(Files.readString(markdown));
    }
  }

  /**
   * Runs {@code suite} and writes its two result files.
   *
   * @return the markdown file
   */
  public static Path run(Suite suite, Settings settings) throws IOException, RunnerException {
    List<Measured> measured = new ArrayList<>();
    for (int threads : suite.threads()) {
      ChainedOptionsBuilder options = new OptionsBuilder()
          .include(Pattern.quote(suite.benchmarks().getName()) + "\\.")
          .threads(threads)
          .shouldFailOnError(true);
      settings.params().forEach(options::param);
      if (settings.forks() >= 0) {
        options.forks(settings.forks());
      }
      if (settings.quick()) {
        options.warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
            .measurementIterations(1).measurementTime(TimeValue.milliseconds(300));
      }
      if (suite.profileAllocation() && settings.forks() != 0) {
        options.addProfiler(GCProfiler.class);
      }
      Collection<RunResult> results = new Runner(options.build()).run();
      for (RunResult r : results) {
        Result<?> primary = r.getPrimaryResult();
        String method = r.getParams().getBenchmark();
        method = method.substring(method.lastIndexOf('.') + 1);
        Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
        if (alloc == null) {
          alloc = r.getSecondaryResults().get("·gc.alloc.rate.norm");
        }
        measured.add(new Measured(method, threads, r.getParams().getMode().shortLabel(),
            primary.getScore(), primary.getScoreError(), primary.getScoreUnit(),
            alloc == null ? null : alloc.getScore()));
      }
    }
    return write(suite, settings, measured);
  }

  private static Path write(Suite suite, Settings settings, List<Measured> measured)
      throws IOException {
    Files.createDirectories(settings.out());
    Map<String, Object> machine = machine();
    List<Map<String, Object>> ratios = new ArrayList<>();
    for (Comparison c : suite.comparisons()) {
      Measured subject = find(measured, c.subject(), c.threads());
      Measured baseline = find(measured, c.baseline(), c.threads());
      if (subject == null || baseline == null) {
        continue;
      }
      double ratio = c.ratio(subject.secondsPerOp(), baseline.secondsPerOp());
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("label", c.label());
      row.put("subject", c.subject());
      row.put("baseline", c.baseline());
      row.put("threads", c.threads());
      row.put("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT));
      row.put("ratio", ratio);
      row.put("target", c.targetText());
      row.put("met", c.met(ratio));
      ratios.add(row);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("suite", suite.id());
    doc.put("quick", settings.quick());
    doc.put("machine", machine);
    doc.put("params", new java.util.TreeMap<>(settings.params()));
    doc.put("results", measured);
    doc.put("ratios", ratios);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    json.writeValue(settings.out().resolve(suite.id() + ".json").toFile(), doc);
    Path md = settings.out().resolve(suite.id() + ".md");
    Files.writeString(md, markdown(suite, settings, machine, measured, ratios));
    return md;
  }

  private static Measured find(List<Measured> measured, String benchmark, int threads) {
    return measured.stream()
        .filter(m -> m.benchmark().equals(benchmark) && m.threads() == threads)
        .findFirst().orElse(null);
  }

  private static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("date", Instant.now().toString());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    return m;
  }

  private static String markdown(Suite suite, Settings settings, Map<String, Object> machine,
      List<Measured> measured, List<Map<String, Object>> ratios) {
    StringBuilder md = new StringBuilder();
    md.append("## Suite `").append(suite.id()).append('`')
        .append(settings.quick() ? " (quick smoke run: numbers are not meaningful)" : "")
        .append("\n\n")
        .append("Measured ").append(machine.get("date")).append(" on ").append(machine.get("cores"))
        .append(" cores, ").append(machine.get("java")).append(", ").append(machine.get("os"))
        .append(".\n\n")
        .append(settings.params().isEmpty() ? "" : "Parameters: "
            + new java.util.TreeMap<>(settings.params()) + ".\n\n")
        .append("| ratio | threads | measured | target | met |\n|---|---:|---:|---:|:-:|\n");
    for (Map<String, Object> r : ratios) {
      md.append("| ").append(r.get("label")).append(" | ").append(r.get("threads")).append(" | ")
          .append(String.format("%.2f×", (Double) r.get("ratio"))).append(" | ")
          .append(r.get("target")).append(" | ")
          .append("-".equals(r.get("target")) ? "-" : (Boolean) r.get("met") ? "yes" : "**no**")
          .append(" |\n");
    }
    md.append("\n| benchmark | threads | score | error | unit | alloc B/op |\n")
        .append("|---|---:|---:|---:|---|---:|\n");
    for (Measured m : measured) {
      md.append("| ").append(m.benchmark()).append(" | ").append(m.threads()).append(" | ")
          .append(String.format("%.3f", m.score())).append(" | ")
          .append(Double.isNaN(m.error()) ? "-" : String.format("%.3f", m.error())).append(" | ")
          .append(m.unit()).append(" | ")
          .append(m.allocBytesPerOp() == null ? "-" : String.format("%.0f", m.allocBytesPerOp()))
          .append(" |\n");
    }
    return md.toString();
  }
}
