package dev.egresskit.cli.demo;

import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.output.Routes;
import dev.egresskit.cli.output.Style;
import dev.egresskit.cli.output.TextTable;
import dev.egresskit.cli.output.Timing;
import dev.egresskit.cli.probe.Probes;
import dev.egresskit.cli.sink.SinkCommand;
import dev.egresskit.core.model.PoolEntry;
import dev.egresskit.core.resolve.SourceViews;
import dev.egresskit.sink.SinkSession;
import java.util.LinkedHashMap;
import java.util.Map;

/** The demo's output: the text tables, or the whole run as JSON. */
final class DemoReport {
  private DemoReport() {}

  /** The servers, one table of routes, one of pool picks, and the verdict. */
  static void printText(Io io, DemoResult r) {
    Style style = io.style();
    DemoServers servers = r.servers();
    io.out().println(style.bold("EgressKit demo") + " (" + r.lang() + " policy)");
    io.out().println("  SMTP sink         " + Endpoints.format(servers.sink().address()));
    io.out().println("  PROXY-aware sink  " + Endpoints.format(servers.proxyAware().address())
        + "  (stands in for HAProxy: records the PROXY v2 header)");
    io.out().println("  SOCKS5 proxy      " + Endpoints.format(servers.proxy().address())
        + "  (KumoProxy BIND+CONNECT and plain CONNECT)");
    io.out().println("  policy            " + r.policyFile().getFileName()
        + " (reads the addresses above from demo-ports.json)");
    io.out().println("  times             client side, of each route's second connection (the"
        + " first warms up the JVM)");
    io.out().println();

    TextTable table = new TextTable("SOURCE", "ROUTE", "SERVER SAW", "EHLO SERVER SAW",
        "CONNECT", "HANDSHAKE", "BANNER", "EHLO", "TOTAL", "CHECK");
    for (RouteOutcome o : r.routes()) {
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
    for (RouteOutcome o : r.routes()) {
      for (String mismatch : o.mismatches()) {
        io.out().println("  " + style.red(o.source().name() + ": " + mismatch));
      }
    }

    io.out().println();
    StringBuilder weights = new StringBuilder();
    for (PoolEntry entry : r.pool().entries()) {
      weights.append(weights.length() == 0 ? "" : " ").append(entry.name()).append('=')
          .append(entry.weight());
    }
    io.out().println(style.bold("pool " + r.pool().name()) + " (weights " + weights
        + "): one weighted round-robin cycle, each pick probed");
    TextTable pickTable = new TextTable("PICK", "SOURCE", "SERVER SAW", "CHECK");
    int n = 0;
    for (RouteOutcome o : r.picks()) {
      pickTable.row(Integer.toString(++n), o.source().name(), seenAddress(o),
          o.ok() ? "ok" : "FAILED: " + String.join("; ", o.mismatches()));
    }
    io.out().print(pickTable.render(style, (column, text) -> column == 3
        ? (text.startsWith("ok") ? style.green(text) : style.red(text)) : text).lines()
        .map(line -> "  " + line + "\n").reduce("", String::concat));
    for (String problem : r.pickProblems()) {
      io.out().println("  " + style.red(problem));
    }
    io.out().println();
    io.out().println(r.ok()
        ? style.green("every route delivered what its policy says") + " (" + r.routes().size()
            + " routes, " + r.picks().size() + " pool picks)"
        : style.red("some routes did not deliver what their policy says") + " (see above)");
    io.out().flush();
  }

  /** The whole run: servers, every route with its configuration and what was seen, the pool. */
  static Map<String, Object> json(DemoResult r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ok", r.ok());
    out.put("language", r.lang());
    out.put("policy", r.policyFile().toString());
    Map<String, Object> serverView = new LinkedHashMap<>();
    serverView.put("sink", Endpoints.format(r.servers().sink().address()));
    serverView.put("proxy_aware_sink", Endpoints.format(r.servers().proxyAware().address()));
    serverView.put("socks5_proxy", Endpoints.format(r.servers().proxy().address()));
    out.put("servers", serverView);
    out.put("routes", r.routes().stream().map(DemoReport::outcomeView).toList());
    Map<String, Object> poolView = new LinkedHashMap<>(SourceViews.poolView(r.pool()));
    poolView.put("picks", r.picks().stream().map(o -> {
      Map<String, Object> pick = new LinkedHashMap<>();
      pick.put("source", o.source().name());
      pick.put("server_saw", seenAddress(o));
      pick.put("ok", o.ok());
      pick.put("mismatches", o.mismatches());
      return pick;
    }).toList());
    poolView.put("problems", r.pickProblems());
    out.put("pool", poolView);
    return out;
  }

  private static Map<String, Object> outcomeView(RouteOutcome o) {
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

  private static String seenAddress(RouteOutcome o) {
    if (o.session().isEmpty()) {
      return "-";
    }
    SinkSession s = o.session().get();
    return s.proxyHeader()
        .map(h -> Endpoints.format(h.source()) + " (PROXY v" + h.version() + ")")
        .orElse(Endpoints.format(s.peer()));
  }
}
