package dev.egresskit.cli.bench;

import dev.egresskit.cli.options.HealthOptions;
import dev.egresskit.cli.options.DurationConverter;
import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.cli.options.PolicyOptions;
import dev.egresskit.cli.output.BadInputException;
import dev.egresskit.cli.output.ExitCodes;
import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.output.JobFailedException;
import dev.egresskit.cli.output.Json;
import dev.egresskit.cli.output.Routes;
import dev.egresskit.cli.output.TextTable;
import dev.egresskit.cli.output.Timing;
import dev.egresskit.cli.run.AssembledRun;
import dev.egresskit.embed.assembly.Connectors;
import dev.egresskit.core.text.Printable;
import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.sink.SmtpSink;
import dev.egresskit.transport.EgressConnector;
import dev.egresskit.transport.SmtpProbe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code egresskit bench connect}: N connection setups per source, with latency percentiles. */
@Command(
    name = "connect",
    description = {
      "Run N complete connection setups (connect, proxy handshake, banner, EHLO, QUIT) from"
          + " each source to DEST, at most CONC at a time, and report p50/p90/p99/max latency"
          + " and setups per second per source. Without DEST an embedded SMTP sink on"
          + " 127.0.0.1 is used. Sources are resolved from the policy as for probe.",
      ""
    })
final class BenchConnectCommand implements java.util.concurrent.Callable<Integer> {
  private static final int MAX_COUNT = 1_000_000;
  private static final int MAX_CONCURRENCY = 1024;

  @ParentCommand BenchCommand parent;

  @Mixin PolicyOptions policy;

  @Mixin HealthOptions health = new HealthOptions();

  @Option(names = {"-s", "--source"}, paramLabel = "NAME", required = true,
      description = "A source to measure. Repeatable.")
  List<String> sources;

  @Parameters(paramLabel = "DEST[:PORT]", arity = "0..1",
      description = "The SMTP server (default: an embedded sink on 127.0.0.1).")
  String destination;

  @Option(names = "-n", paramLabel = "N", defaultValue = "200",
      description = "Setups per source (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "-c", paramLabel = "CONC", defaultValue = "1",
      description = "Setups in flight at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--warmup", paramLabel = "N", defaultValue = "20",
      description = "Setups per source run first and not counted, so JIT compilation and"
          + " first connections do not skew the figures (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--warmup-max", paramLabel = "SECONDS", defaultValue = "30",
      description = "After the --warmup setups, warm-up goes on in rounds over every source until"
          + " the JIT compilers have been quiet for a second, at most this many seconds in all;"
          + " 0 stops after the --warmup setups (default: ${DEFAULT-VALUE}).")
  int warmupMaxSeconds;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Deadline of each setup (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--socks5-lockstep",
      description = "Send each SOCKS5 request only after the previous reply, with KumoMTA's"
          + " greeting, instead of the whole exchange in one flight (for proxies that drop"
          + " pipelined requests).")
  boolean socks5Lockstep;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Option(names = "--chart", paramLabel = "PNG",
      description = "Also write the latency distribution per source as a PNG chart.")
  Path chart;

  /** Measured setups of one source are run in up to this many slices, the sources taking turns. */
  static final int SLICES = 5;
  /**
   * The fewest setups of one slice: the JVM reads the process CPU clock in 10 ms ticks, so a
   * slice must run long enough for its reading to mean something.
   */
  static final int MIN_SLICE = 500;
  /** How long the JIT compilers must stay quiet ({@link JitQuiet}) to end the warm-up. */
  private static final long JIT_IDLE_NANOS = 1_000_000_000L;

  /** What one source's series measured. */
  record Series(String source, String route, double[] micros, LatencyStats stats,
      Map<FailureKind, Integer> failures, ClientCost cost) {}

  /** What the warm-up ran: setups of all sources, its wall time, and whether the JIT went idle. */
  record Warmup(long setups, long nanos, boolean jitIdle) {
    Map<String, Object> view() {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("setups", setups);
      v.put("seconds", Math.round(nanos / 1e7) / 100.0);
      v.put("jit_idle", jitIdle);
      return v;
    }
  }

  @Override
  public Integer call() throws Exception {
    if (count < 1 || count > MAX_COUNT) {
      throw new BadInputException("-n must be 1.." + MAX_COUNT + ", got " + count);
    }
    if (warmup < 0 || warmup > MAX_COUNT) {
      throw new BadInputException("--warmup must be 0.." + MAX_COUNT + ", got " + warmup);
    }
    if (warmupMaxSeconds < 0 || warmupMaxSeconds > 600) {
      throw new BadInputException(
          "--warmup-max must be 0..600 seconds, got " + warmupMaxSeconds);
    }
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new BadInputException("-c must be 1.." + MAX_CONCURRENCY + ", got " + concurrency);
    }
    Io io = parent.root.io();
    AssembledRun session = parent.root.run(health.url());
    PolicyEngine engine = session.loadPolicy(policy.policy, policy.access());
    SourceResolver resolver = session.resolver(engine, policy.cache);
    List<EgressSource> resolved = new ArrayList<>();
    for (String name : sources) {
      resolved.add(resolver.resolve(name));
    }
    SmtpProbe probe = session.get(SmtpProbe.class);
    if (socks5Lockstep) {
      probe = SmtpProbe.create(session.get(Connectors.class).lockstep());
    }
    List<Series> results;
    Warmup warmed;
    try (SmtpSink embedded = destination == null
        ? SmtpSink.builder().threads(2).keepSessions(0).build().start() : null) {
      InetSocketAddress dest = embedded != null ? embedded.address()
          : Endpoints.destination(destination, EgressConnector.DEFAULT_SMTP_PORT);
      warmed = warmUp(probe, resolved, dest);
      try (ProgressBar progress = progressBar(io, resolved.size() * (long) count)) {
        results = measure(probe, resolved, dest, progress);
      }
    }
    if (chart != null) {
      writeChart(results, chart);
    }
    if (json) {
      Json.print(io.out(), report(warmed, results));
    } else {
      printTable(io, warmed, results);
    }
    io.out().flush();
    boolean allOk = results.stream().allMatch(s -> s.failures().isEmpty());
    return allOk ? ExitCodes.OK : ExitCodes.JOB_FAILED;
  }

  /**
   * Warm-up, not counted: {@code --warmup} setups of every source, then rounds of setups of every
   * source until the JIT compilers have been quiet for a second ({@link JitQuiet}), at most {@code --warmup-max} in
   * all. Every source and both event loops run the connect path before any is measured, so no
   * source is measured on code still being compiled (C2 kept compiling for ~8,000 setups).
   */
  private Warmup warmUp(SmtpProbe probe, List<EgressSource> sources, InetSocketAddress dest)
      throws InterruptedException {
    if (warmup == 0) {
      return new Warmup(0, 0, false);
    }
    long start = System.nanoTime();
    long setups = 0;
    int perRound = warmup;
    JitQuiet jit = new JitQuiet(JIT_IDLE_NANOS);
    while (true) {
      for (EgressSource source : sources) {
        new ConnectSeries(probe, source, dest, timeout, perRound, null).run(concurrency);
        setups += perRound;
      }
      long now = System.nanoTime();
      if (now - start >= warmupMaxSeconds * 1_000_000_000L) {
        return new Warmup(setups, now - start, !Jit.busy());
      }
      if (jit.quietAfter(now, Jit.compileMillis(), Jit.busy())) {
        return new Warmup(setups, now - start, true);
      }
      perRound = Math.max(200, 50 * concurrency);
    }
  }

  /**
   * The counted setups: each source's in up to {@link #SLICES} slices of at least {@link
   * #MIN_SLICE} setups, the sources taking turns and the first of each turn rotating, so no
   * source is always measured first (least warm) or during the same stretch of a busy
   * machine's load.
   */
  private List<Series> measure(SmtpProbe probe, List<EgressSource> sources,
      InetSocketAddress dest, ProgressBar progress)
      throws InterruptedException {
    int slices = sources.size() > 1 ? Math.max(1, Math.min(SLICES, count / MIN_SLICE)) : 1;
    List<List<ConnectSeries.Outcome>> parts = new ArrayList<>();
    sources.forEach(s -> parts.add(new ArrayList<>()));
    for (int slice = 0; slice < slices; slice++) {
      int n = (int) ((long) count * (slice + 1) / slices - (long) count * slice / slices);
      for (int turn = 0; turn < sources.size(); turn++) {
        int i = (slice + turn) % sources.size();
        parts.get(i).add(new ConnectSeries(probe, sources.get(i), dest, timeout, n, progress)
            .run(concurrency));
      }
    }
    List<Series> out = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      out.add(combine(sources.get(i), parts.get(i)));
    }
    return out;
  }

  private Series combine(EgressSource source, List<ConnectSeries.Outcome> parts) {
    double[] micros = parts.stream().flatMapToDouble(o -> Arrays.stream(o.micros())).toArray();
    Map<FailureKind, Integer> failures = new EnumMap<>(FailureKind.class);
    long wall = 0;
    ClientCost.Reading spent = ClientCost.Reading.ZERO;
    for (ConnectSeries.Outcome o : parts) {
      o.failures().forEach((kind, n) -> failures.merge(kind, n, Integer::sum));
      wall += o.wallNanos();
      spent = spent.plus(o.spent());
    }
    ClientCost cost = ClientCost.of(spent, wall, count,
        Math.min(concurrency, AssembledRun.EVENT_LOOP_THREADS));
    return new Series(source.name(), Routes.kind(source.route()), micros,
        LatencyStats.of(micros, wall), failures, cost);
  }

  private static ProgressBar progressBar(Io io, long total) {
    if (!io.style().enabled()) {
      return null; // a progress bar only makes sense on a terminal
    }
    return new ProgressBarBuilder().setTaskName("bench connect").setInitialMax(total)
        .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
  }

  private Map<String, Object> report(Warmup warmed, List<Series> results) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", count);
    out.put("concurrency", concurrency);
    out.put("warmup", warmed.view());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Series s : results) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("source", s.source());
      row.put("route", s.route());
      row.put("ok", s.stats().count());
      row.put("failed", s.failures().values().stream().mapToInt(Integer::intValue).sum());
      Map<String, Object> kinds = new LinkedHashMap<>();
      s.failures().forEach((k, v) -> kinds.put(k.name(), v));
      row.put("failures", kinds);
      row.put("latency", s.stats().view());
      row.put("client", s.cost().view());
      rows.add(row);
    }
    out.put("sources", rows);
    return out;
  }

  private void printTable(Io io, Warmup warmed, List<Series> results) {
    io.out().println(io.style().bold("bench connect") + ": " + count + " setups per source, "
        + concurrency + " at a time (latency in ms), after " + warmed.setups() + " warm-up setups"
        + (warmed.setups() == 0 ? "" : " in " + String.format("%.1f", warmed.nanos() / 1e9) + " s"
            + (warmed.jitIdle() ? ", JIT idle" : ", JIT still compiling")));
    TextTable table = new TextTable("source", "route", "ok", "failed", "p50", "p90", "p99",
        "max", "setups/s", "cpu/setup", "cores");
    for (Series s : results) {
      LatencyStats st = s.stats();
      int failed = s.failures().values().stream().mapToInt(Integer::intValue).sum();
      table.row(s.source(), s.route(), Integer.toString(st.count()), Integer.toString(failed),
          LatencyStats.ms(st.p50()), LatencyStats.ms(st.p90()), LatencyStats.ms(st.p99()),
          LatencyStats.ms(st.max()), String.format("%.1f", st.perSecond()),
          Double.isNaN(s.cost().cpuMicrosPerOp()) ? "-"
              : Timing.micros(Math.round(s.cost().cpuMicrosPerOp())),
          Double.isNaN(s.cost().coresBusy()) ? "-"
              : String.format("%.2f/%d", s.cost().coresBusy(), s.cost().coresAvailable()));
    }
    io.out().print(table.render(io.style()));
    for (Series s : results) {
      if (s.cost().clientBound()) {
        io.out().println(io.style().red("  warning: " + Printable.escape(s.source()) + ": the client kept "
            + String.format("%.2f", s.cost().coresBusy()) + " of the " + s.cost().coresAvailable()
            + " core(s) its event loops can use busy: the rate measures this process (client"
            + (destination == null ? " and embedded sink" : "") + "), not the route"));
      }
    }
    for (Series s : results) {
      if (s.cost().stillCompiling(count)) {
        io.out().println(io.style().red("  warning: " + Printable.escape(s.source())
            + ": the JIT compilers worked " + s.cost().jitMillis() + " ms during the counted"
            + " setups: the figures include compiling; raise --warmup-max or --warmup"));
      }
    }
    for (Series s : results) {
      s.failures().forEach((kind, n) -> io.out().println(io.style().red("  " + Printable.escape(s.source())
          + ": " + n + " failed with " + kind)));
    }
  }

  /** Latency by percentile, one line per source: how the whole distribution compares. */
  private static void writeChart(List<Series> results, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart chart = new XYChartBuilder().width(900).height(540)
        .title("Connection setup latency by source").xAxisTitle("percentile")
        .yAxisTitle("latency (ms)").build();
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(100.0).setXAxisDecimalPattern("0")
        .setXAxisTickMarkSpacingHint(90)
        .setYAxisMin(0.0);
    for (Series s : results) {
      if (s.micros().length == 0) {
        continue;
      }
      double[] sorted = s.micros().clone();
      Arrays.sort(sorted);
      double[] pct = new double[sorted.length];
      double[] ms = new double[sorted.length];
      for (int i = 0; i < sorted.length; i++) {
        pct[i] = 100.0 * (i + 1) / sorted.length;
        ms[i] = sorted[i] / 1000.0;
      }
      chart.addSeries(s.source() + " (" + s.route() + ")", pct, ms)
          .setMarker(SeriesMarkers.NONE);
    }
    String name = file.toString();
    BitmapEncoder.saveBitmap(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4)
        : name, BitmapEncoder.BitmapFormat.PNG);
  }
}
