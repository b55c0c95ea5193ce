package dev.egresskit.cli.sink;

import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.cli.output.ExitCodes;
import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.output.JobFailedException;
import dev.egresskit.cli.output.Json;
import dev.egresskit.cli.output.Timing;
import dev.egresskit.cli.run.AssembledRun;
import dev.egresskit.cli.run.CommandContext;
import dev.egresskit.cli.run.MetricsEndpoint;
import dev.egresskit.sink.ProxyHeader;
import dev.egresskit.sink.ProxyProtocolMode;
import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code egresskit sink}: run the recording SMTP sink until interrupted. */
@Command(
    name = "sink",
    description = {
      "Run the SMTP sink until interrupted (Ctrl-C): a small SMTP server that accepts EHLO,"
          + " MAIL, RCPT, DATA and QUIT and prints one line per finished session with what it"
          + " saw: the TCP peer (the real source address), the PROXY header when one was sent,"
          + " and the EHLO name.",
      ""
    })
public final class SinkCommand implements Callable<Integer> {
  /** How often finished sessions are collected for printing. */
  private static final Duration POLL = Duration.ofMillis(200);

  @ParentCommand CommandContext root;

  @Option(names = "--listen", paramLabel = "ADDR:PORT", defaultValue = "127.0.0.1:2525",
      converter = Endpoints.ListenConverter.class,
      description = "Where to listen (default: ${DEFAULT-VALUE}; a bare port means 127.0.0.1;"
          + " port 0 picks a free one).")
  InetSocketAddress listen;

  @Option(names = "--proxy-protocol", paramLabel = "MODE", arity = "0..1",
      defaultValue = "none", fallbackValue = "required",
      description = "Expect a PROXY v1/v2 header before SMTP, as a server behind HAProxy does:"
          + " none, optional or required (the default when MODE is left out). Default: none.")
  ProxyProtocolMode proxyProtocol;

  @Option(names = "--hostname", paramLabel = "NAME", defaultValue = "sink.egresskit.test",
      description = "The name in the banner and EHLO reply (default: ${DEFAULT-VALUE}).")
  String hostname;

  @Option(names = "--metrics", paramLabel = "ADDR:PORT",
      converter = Endpoints.ListenConverter.class,
      description = "Serve Prometheus metrics on http://ADDR:PORT/metrics (a bare port means"
          + " 127.0.0.1).")
  InetSocketAddress metrics;

  @Option(names = "--json", description = "Print each session as one line of JSON.")
  boolean json;

  @Override
  public Integer call() {
    Io io = root.io();
    AssembledRun session = root.run();
    // A server that may run for millions of sessions keeps none and no message text: each
    // session is queued for printing as it ends, and its memory goes once printed.
    Queue<SinkSession> ended = new ConcurrentLinkedQueue<>();
    SmtpSink sink = SmtpSink.builder()
        .listen(listen)
        .proxyProtocol(proxyProtocol)
        .hostname(hostname)
        .keepSessions(0)
        .keepContent(false)
        .onSession(ended::add)
        .build();
    try {
      sink.start();
    } catch (IllegalStateException e) {
      throw new JobFailedException("sink: " + e.getMessage(), e);
    }
    session.own(sink);
    MeterRegistry registry = session.get(MeterRegistry.class);
    if (metrics != null) {
      session.own(MetricsEndpoint.start(metrics,
          session.get(io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class), io));
    }
    io.err().println("sink listening on " + Endpoints.format(sink.address())
        + " (PROXY header: " + proxyProtocol.name().toLowerCase(Locale.ROOT) + ");"
        + " Ctrl-C stops it");
    io.err().flush();
    io.lifecycle().started("sink", sink.address());

    long printed = 0;
    boolean stopping = false;
    while (!stopping) {
      stopping = io.lifecycle().awaitStop(POLL);
      for (SinkSession s; (s = ended.poll()) != null; printed++) {
        Counter.builder("egresskit_sink_sessions")
            .description("SMTP sessions the sink finished, by why they ended")
            .tag("outcome", s.outcome())
            .register(registry)
            .increment();
        if (json) {
          Json.printLine(io.out(), view(s));
        } else {
          io.out().println(line(s));
          io.out().flush();
        }
      }
    }
    io.err().println("sink stopped after " + printed + (printed == 1 ? " session" : " sessions"));
    return ExitCodes.OK;
  }

  /** One human-readable line per session. */
  static String line(SinkSession s) {
    StringBuilder out = new StringBuilder();
    out.append('#').append(s.id()).append(' ')
        .append(Endpoints.format(s.peer())).append(" -> ").append(Endpoints.format(s.local()));
    s.proxyHeader().ifPresent(h -> out.append(" proxy-v").append(h.version()).append(' ')
        .append(Endpoints.format(h.source())).append(" -> ")
        .append(Endpoints.format(h.destination())));
    out.append(" ehlo=").append(s.ehlo().orElse("-"))
        .append(" messages=").append(s.messageCount())
        .append(" end=").append(s.endReason())
        .append(" (").append(Timing.micros(s.duration())).append(')');
    return out.toString();
  }

  /** The JSON view of a session (field names in snake case, like every --json output). */
  public static Map<String, Object> view(SinkSession s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", s.id());
    out.put("peer", Endpoints.format(s.peer()));
    out.put("local", Endpoints.format(s.local()));
    out.put("proxy_header", s.proxyHeader().map(SinkCommand::headerView).orElse(null));
    out.put("effective_source", Endpoints.format(s.effectiveSource()));
    out.put("ehlo", s.ehlo().orElse(null));
    out.put("commands", s.commands());
    out.put("command_count", s.commandCount());
    out.put("messages", s.messageCount());
    out.put("duration_us", s.duration().toNanos() / 1000);
    out.put("end_reason", s.endReason());
    return out;
  }

  private static Map<String, Object> headerView(ProxyHeader h) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", h.version());
    out.put("source", Endpoints.format(h.source()));
    out.put("destination", Endpoints.format(h.destination()));
    return out;
  }
}
