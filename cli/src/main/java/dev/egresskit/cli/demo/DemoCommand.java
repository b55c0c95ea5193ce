package dev.egresskit.cli.demo;

import dev.egresskit.cli.options.DurationConverter;
import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.cli.output.ExitCodes;
import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.output.JobFailedException;
import dev.egresskit.cli.output.Json;
import dev.egresskit.cli.output.Routes;
import dev.egresskit.cli.output.Style;
import dev.egresskit.cli.output.TextTable;
import dev.egresskit.cli.output.Timing;
import dev.egresskit.cli.probe.Probes;
import dev.egresskit.cli.run.AssembledRun;
import dev.egresskit.cli.run.CommandContext;
import dev.egresskit.cli.sink.SinkCommand;
import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.PoolEntry;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.pool.PoolSelection;
import dev.egresskit.core.pool.PoolSelector;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.core.resolve.SourceViews;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.sink.ProxyHeader;
import dev.egresskit.sink.ProxyProtocolMode;
import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import dev.egresskit.transport.EgressConnectException;
import dev.egresskit.transport.ProbeResult;
import dev.egresskit.transport.SmtpProbe;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code egresskit demo}: every route of the bundled policy, end to end on loopback, checked
 * against what the receiving server recorded.
 */
@Command(
    name = "demo",
    description = {
      "Show every egress route working, on loopback, with nothing installed: start an SMTP"
          + " sink, a PROXY-aware SMTP sink (standing in for HAProxy: it records the PROXY v2"
          + " header) and the SOCKS5 proxy on free ports; load the bundled policy (--lang lua or"
          + " js), which reads those ports from a data file the demo writes next to it; resolve"
          + " its pool and every source; probe each route (banner, EHLO, QUIT) and print one"
          + " table with what the server saw for each: the source address, the EHLO name, and"
          + " the time of each phase; then probe one weighted round-robin cycle of pool picks.",
      "Every 'seen' value is read back from the sink's session record, not from the policy;"
          + " the exit code is 0 only if each route delivered exactly what its policy says.",
      ""
    })
public final class DemoCommand implements Callable<Integer> {
  private static final String POOL = "demo-pool";
  private static final String QUEUE = "demo@example.test";
  /** How long to wait for the sink to record a session after a probe ended. */
  private static final Duration RECORD_WAIT = Duration.ofSeconds(5);

  /** The bundled policy languages. */
  enum Lang { lua, js }

  @ParentCommand CommandContext root;

  @Option(names = "--lang", paramLabel = "LANG", defaultValue = "lua",
      description = "The bundled policy to run: lua (default) or js. Both define the same"
          + " sources.")
  Lang lang;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s",
      converter = DurationConverter.class,
      description = "The deadline of each probe (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--keep",
      description = "Keep the temporary policy folder (policy + demo-ports.json) and print its"
          + " path, to try resolve/check on it.")
  boolean keep;

  @Option(names = "--json", description = "Print the whole run as JSON.")
  boolean json;

  /** The demo's servers. */
  private record Servers(SmtpSink sink, SmtpSink proxyAware, Socks5ProxyServer proxy) {}

  /** One probed route and what was seen. */
  private record Outcome(
      EgressSource source,
      Optional<ProbeResult> probe,
      Optional<SinkSession> session,
      List<String> mismatches) {
    boolean ok() {
      return mismatches.isEmpty();
    }
  }

  @Override
  public Integer call() throws IOException {
    Io io = root.io();
    AssembledRun session = root.run();
    Servers servers = startServers(session);
    Path folder = writePolicyFolder(session, servers);
    Path policyFile = folder.resolve("demo." + lang.name());

    PolicyEngine engine = session.loadPolicy(policyFile);
    SourceResolver resolver = session.resolver(engine, "lruttl");
    SmtpProbe probe = session.get(SmtpProbe.class);
    EgressPool pool = resolver.resolvePool(POOL);

    // One unreported connection per route first: the first use of each code path pays for
    // class loading and JIT, which is not what the per-phase times should show.
    for (PoolEntry entry : pool.entries()) {
      try {
        Probes.run(probe, resolver.resolve(entry.name()), servers.sink().address(),
            Optional.empty(), timeout);
      } catch (EgressConnectException e) {
        // Reported (and checked) by the measured probe below.
      }
    }
    List<Outcome> routes = new ArrayList<>();
    for (PoolEntry entry : pool.entries()) {
      routes.add(probeAndCheck(probe, resolver.resolve(entry.name()), servers));
    }
    PoolSelector selector = PoolSelector.of(pool);
    List<Outcome> picks = new ArrayList<>();
    List<String> pickProblems = new ArrayList<>();
    for (int i = 0; i < cycleLength(pool); i++) {
      PoolSelection selection = selector.select(QUEUE, session.health());
      if (selection instanceof PoolSelection.Selected selected) {
        picks.add(probeAndCheck(probe, resolver.resolve(selected.sourceName()), servers));
      } else {
        pickProblems.add("pick " + (i + 1) + ": " + selection.description());
      }
    }
    boolean ok = routes.stream().allMatch(Outcome::ok) && picks.stream().allMatch(Outcome::ok)
        && pickProblems.isEmpty() && !routes.isEmpty();

    if (json) {
      Json.print(io.out(), jsonView(servers, policyFile, pool, routes, picks, pickProblems, ok));
    } else {
      printText(io, servers, policyFile, pool, routes, picks, pickProblems, ok);
    }
    if (keep) {
      io.err().println("policy folder kept: " + folder + " (the servers have stopped; try"
          + " egresskit resolve --policy " + policyFile + " --pool " + POOL + ")");
    }
    return ok ? ExitCodes.OK : ExitCodes.JOB_FAILED;
  }

  private static Servers startServers(AssembledRun session) {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try {
      SmtpSink sink = session.own(SmtpSink.builder().listen(loopback)
          .hostname("sink.demo.egresskit.test").build().start());
      SmtpSink proxyAware = session.own(SmtpSink.builder().listen(loopback)
          .hostname("haproxy-sink.demo.egresskit.test")
          .proxyProtocol(ProxyProtocolMode.REQUIRED).build().start());
      Socks5ProxyServer proxy = session.own(session.get(Socks5ProxyServer.Builder.class)
          .listen(loopback)
          .allowSources(List.of("127.0.0.0/8"))
          .listenerName("demo")
          .build()
          .start());
      return new Servers(sink, proxyAware, proxy);
    } catch (IllegalStateException e) {
      throw new JobFailedException("demo: cannot start the loopback servers: " + e.getMessage(),
          e);
    }
  }

  /**
   * A fresh folder with the bundled policy and {@code demo-ports.json}: how the policy learns
   * the servers' ephemeral ports (it reads the file with {@code kumo.json_load}).
   */
  private Path writePolicyFolder(AssembledRun session, Servers servers) throws IOException {
    Path folder = Files.createTempDirectory("egresskit-demo-");
    if (!keep) {
      session.own(() -> deleteTree(folder));
    }
    Map<String, Object> ports = new LinkedHashMap<>();
    ports.put("sink", Endpoints.format(servers.sink().address()));
    ports.put("haproxy", Endpoints.format(servers.proxyAware().address()));
    ports.put("socks5", Endpoints.format(servers.proxy().address()));
    Files.writeString(folder.resolve("demo-ports.json"),
        Json.mapper().writeValueAsString(ports) + "\n");
    String resource = "demo." + lang.name();
    try (InputStream in = DemoCommand.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the egresskit jar");
      }
      Files.copy(in, folder.resolve("demo." + lang.name()));
    }
    return folder;
  }

  private Outcome probeAndCheck(SmtpProbe probe, EgressSource source, Servers servers) {
    InetSocketAddress destination = servers.sink().address();
    ProbeResult result;
    try {
      result = Probes.run(probe, source, destination, Optional.empty(), timeout);
    } catch (EgressConnectException e) {
      return new Outcome(source, Optional.empty(), Optional.empty(),
          List.of("probe failed (" + e.kind() + "): " + e.getMessage()));
    }
    // Find the server's record of this very connection. The TCP peer the server saw is the
    // probe's local end (direct, and HAProxy, whose stand-in is the server itself) or the
    // proxy's outbound end that the SOCKS5 CONNECT reply reported.
    boolean viaHaProxy = source.route() instanceof Route.HaProxy;
    SmtpSink server = viaHaProxy ? servers.proxyAware() : servers.sink();
    InetSocketAddress expectedPeer = source.route() instanceof Route.Socks5
        ? result.reportedSource().address() : result.localAddress();
    Optional<SinkSession> seen = awaitSession(server, s -> s.peer().equals(expectedPeer));
    if (seen.isEmpty()) {
      return new Outcome(source, Optional.of(result), Optional.empty(), List.of(
          "the server recorded no session from " + Endpoints.format(expectedPeer)
              + " within " + RECORD_WAIT.toSeconds() + "s"));
    }
    return new Outcome(source, Optional.of(result), seen,
        verify(source, result, seen.get(), servers));
  }

  /** Compares what the server saw with what the policy says; one line per difference. */
  private static List<String> verify(EgressSource source, ProbeResult result, SinkSession seen,
      Servers servers) {
    List<String> out = new ArrayList<>();
    Map<String, Object> config = SourceViews.sourceView(source);
    String ehloSeen = seen.ehlo().orElse("(none)");
    String ehloConfigured = source.ehloDomain().orElse(result.ehloName());
    if (!ehloSeen.equals(ehloConfigured)) {
      out.add("EHLO: the server saw " + ehloSeen + ", the policy says " + ehloConfigured);
    }
    Route route = source.route();
    if (route instanceof Route.Direct direct) {
      direct.bindAddress().ifPresent(bind -> expectAddress(out, "source_address",
          seen.peer().getAddress(), bind));
      seen.proxyHeader().ifPresent(h -> out.add("the server got an unexpected PROXY header"));
    } else if (route instanceof Route.HaProxy ha) {
      Optional<ProxyHeader> header = seen.proxyHeader();
      if (header.isEmpty()) {
        out.add("the PROXY-aware server got no PROXY header");
      } else {
        expectAddress(out, "ha_proxy_source_address", header.get().source().getAddress(),
            ha.sourceAddress());
        // The version is the connect strategy's business (a plug-in may speak v1), not the
        // policy's: it is shown, not checked.
        if (!header.get().destination().equals(servers.sink().address())) {
          out.add("PROXY header destination " + Endpoints.format(header.get().destination())
              + ", expected " + Endpoints.format(servers.sink().address()));
        }
      }
      expectProxy(out, result, servers.proxyAware().address(), config.get("ha_proxy_server"));
    } else if (route instanceof Route.Socks5 socks) {
      socks.sourceAddress().ifPresent(bind -> expectAddress(out, "socks5_proxy_source_address",
          seen.peer().getAddress(), bind));
      expectProxy(out, result, servers.proxy().address(), config.get("socks5_proxy_server"));
    }
    return out;
  }

  private static void expectAddress(List<String> out, String field, InetAddress seen,
      InetAddress configured) {
    if (!seen.equals(configured)) {
      out.add(field + ": the server saw " + seen.getHostAddress() + ", the policy says "
          + configured.getHostAddress());
    }
  }

  private static void expectProxy(List<String> out, ProbeResult result,
      InetSocketAddress running, Object configured) {
    String used = result.proxyCandidate().map(Endpoints::format).orElse("(none)");
    if (!used.equals(Endpoints.format(running)) || !used.equals(String.valueOf(configured))) {
      out.add("proxy: connected through " + used + ", the policy says " + configured
          + ", the demo's server is " + Endpoints.format(running));
    }
  }

  /** Waits for a finished session matching {@code wanted}, up to {@link #RECORD_WAIT}. */
  private static Optional<SinkSession> awaitSession(SmtpSink sink,
      Predicate<SinkSession> wanted) {
    long deadline = System.nanoTime() + RECORD_WAIT.toNanos();
    while (true) {
      List<SinkSession> sessions = sink.sessions();
      for (SinkSession s : sessions) {
        if (wanted.test(s)) {
          return Optional.of(s);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      try {
        sink.awaitSessions(sessions.size() + 1, Duration.ofNanos(left));
      } catch (IllegalStateException timeout) {
        return Optional.empty();
      }
    }
  }

  /** One full weighted round-robin cycle: the sum of the weights over their gcd. */
  public static int cycleLength(EgressPool pool) {
    long gcd = 0;
    long sum = 0;
    for (PoolEntry entry : pool.entries()) {
      if (entry.weight() > 0) {
        gcd = gcd(gcd, entry.weight());
        sum += entry.weight();
      }
    }
    // Bounded: the demo's own pool has a cycle of 8; a user's pool is capped for the demo.
    return gcd == 0 ? 1 : (int) Math.min(sum / gcd, 32);
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  private static String seenAddress(Outcome o) {
    if (o.session().isEmpty()) {
      return "-";
    }
    SinkSession s = o.session().get();
    return s.proxyHeader()
        .map(h -> Endpoints.format(h.source()) + " (PROXY v" + h.version() + ")")
        .orElse(Endpoints.format(s.peer()));
  }

  private void printText(Io io, Servers servers, Path policyFile, EgressPool pool,
      List<Outcome> routes, List<Outcome> picks, List<String> pickProblems, boolean ok) {
    Style style = io.style();
    io.out().println(style.bold("EgressKit demo") + " (" + lang + " policy)");
    io.out().println("  SMTP sink         " + Endpoints.format(servers.sink().address()));
    io.out().println("  PROXY-aware sink  " + Endpoints.format(servers.proxyAware().address())
        + "  (stands in for HAProxy: records the PROXY v2 header)");
    io.out().println("  SOCKS5 proxy      " + Endpoints.format(servers.proxy().address())
        + "  (KumoProxy BIND+CONNECT and plain CONNECT)");
    io.out().println("  policy            " + policyFile.getFileName()
        + " (reads the addresses above from demo-ports.json)");
    io.out().println("  times             client side, of each route's second connection (the"
        + " first warms up the JVM)");
    io.out().println();

    TextTable table = new TextTable("SOURCE", "ROUTE", "SERVER SAW", "EHLO SERVER SAW",
        "CONNECT", "HANDSHAKE", "BANNER", "EHLO", "TOTAL", "CHECK");
    for (Outcome o : routes) {
      String[] times = o.probe().map(p -> new String[] {
          Timing.micros(p.timings().connectMicros()), Timing.micros(p.timings().handshakeMicros()),
          Timing.micros(p.timings().bannerMicros()), Timing.micros(p.timings().ehloMicros()),
          Timing.micros(p.timings().totalMicros())})
          .orElse(new String[] {"-", "-", "-", "-", "-"});
      table.row(o.source().name(), Routes.kind(o.source().route()), seenAddress(o),
          o.session().flatMap(SinkSession::ehlo).orElse("-"),
          times[0], times[1], times[2], times[3], times[4], o.ok() ? "ok" : "FAILED");
    }
    io.out().print(table.render(style, (column, text) -> column == 9
        ? (text.startsWith("ok") ? style.green(text) : style.red(text)) : text));
    for (Outcome o : routes) {
      for (String mismatch : o.mismatches()) {
        io.out().println("  " + style.red(o.source().name() + ": " + mismatch));
      }
    }

    io.out().println();
    StringBuilder weights = new StringBuilder();
    for (PoolEntry entry : pool.entries()) {
      weights.append(weights.length() == 0 ? "" : " ").append(entry.name()).append('=')
          .append(entry.weight());
    }
    io.out().println(style.bold("pool " + pool.name()) + " (weights " + weights
        + "): one weighted round-robin cycle, each pick probed");
    TextTable pickTable = new TextTable("PICK", "SOURCE", "SERVER SAW", "CHECK");
    int n = 0;
    for (Outcome o : picks) {
      pickTable.row(Integer.toString(++n), o.source().name(), seenAddress(o),
          o.ok() ? "ok" : "FAILED: " + String.join("; ", o.mismatches()));
    }
    io.out().print(pickTable.render(style, (column, text) -> column == 3
        ? (text.startsWith("ok") ? style.green(text) : style.red(text)) : text).lines()
        .map(line -> "  " + line + "\n").reduce("", String::concat));
    for (String problem : pickProblems) {
      io.out().println("  " + style.red(problem));
    }
    io.out().println();
    io.out().println(ok
        ? style.green("every route delivered what its policy says") + " (" + routes.size()
            + " routes, " + picks.size() + " pool picks)"
        : style.red("some routes did not deliver what their policy says") + " (see above)");
    io.out().flush();
  }

  private Map<String, Object> jsonView(Servers servers, Path policyFile, EgressPool pool,
      List<Outcome> routes, List<Outcome> picks, List<String> pickProblems, boolean ok) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ok", ok);
    out.put("language", lang.name());
    out.put("policy", policyFile.toString());
    Map<String, Object> serverView = new LinkedHashMap<>();
    serverView.put("sink", Endpoints.format(servers.sink().address()));
    serverView.put("proxy_aware_sink", Endpoints.format(servers.proxyAware().address()));
    serverView.put("socks5_proxy", Endpoints.format(servers.proxy().address()));
    out.put("servers", serverView);
    out.put("routes", routes.stream().map(DemoCommand::outcomeView).toList());
    Map<String, Object> poolView = new LinkedHashMap<>(SourceViews.poolView(pool));
    poolView.put("picks", picks.stream().map(o -> {
      Map<String, Object> pick = new LinkedHashMap<>();
      pick.put("source", o.source().name());
      pick.put("server_saw", seenAddress(o));
      pick.put("ok", o.ok());
      pick.put("mismatches", o.mismatches());
      return pick;
    }).toList());
    poolView.put("problems", pickProblems);
    out.put("pool", poolView);
    return out;
  }

  private static Map<String, Object> outcomeView(Outcome o) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("source", o.source().name());
    out.put("route", Routes.kind(o.source().route()));
    out.put("config", SourceViews.sourceView(o.source()));
    out.put("seen", o.session().map(s -> {
      Map<String, Object> seen = new LinkedHashMap<>(SinkCommand.view(s));
      seen.remove("commands");
      return seen;
    }).orElse(null));
    out.put("probe", o.probe().map(Probes::view).orElse(null));
    out.put("ok", o.ok());
    out.put("mismatches", o.mismatches());
    return out;
  }

  private static void deleteTree(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
