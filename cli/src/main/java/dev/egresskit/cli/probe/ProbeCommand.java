package dev.egresskit.cli.probe;

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
import dev.egresskit.cli.output.Style;
import dev.egresskit.cli.output.TextTable;
import dev.egresskit.cli.run.AssembledRun;
import dev.egresskit.cli.run.CommandContext;
import dev.egresskit.core.text.Printable;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.transport.EgressConnectException;
import dev.egresskit.transport.EgressConnector;
import dev.egresskit.transport.ProbeResult;
import dev.egresskit.transport.SmtpProbe;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code egresskit probe}: one real SMTP connection through a source's route. */
@Command(
    name = "probe",
    description = {
      "Resolve a source and open a real SMTP connection from it to DEST: through its route"
          + " (direct from source_address, HAProxy PROXY v2, or SOCKS5), read the banner, send"
          + " EHLO, QUIT. Prints what really happened: the local address, the source address"
          + " the server sees, the proxy used, the banner, the EHLO reply and the time of each"
          + " phase. The port is the source's remote_port, else DEST's port, else 25.",
      ""
    })
public final class ProbeCommand implements Callable<Integer> {

  @ParentCommand CommandContext root;

  @Mixin PolicyOptions policy;

  @Mixin HealthOptions health = new HealthOptions();

  @Option(names = {"-s", "--source"}, paramLabel = "NAME", required = true,
      description = "The source to connect from.")
  String source;

  @Parameters(paramLabel = "DEST[:PORT]",
      description = "The SMTP server: an IP address or host name, optionally with a port.")
  String destination;

  @Option(names = "--ehlo", paramLabel = "NAME",
      description = "Send this EHLO name instead of the source's ehlo_domain.")
  String ehlo;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
      converter = DurationConverter.class,
      description = "One deadline for connect, handshake, banner and EHLO (default:"
          + " ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--json", description = "Print the result (or the failure) as JSON.")
  boolean json;

  @Override
  public Integer call() {
    Io io = root.io();
    InetSocketAddress dest;
    try {
      dest = Endpoints.destination(destination, EgressConnector.DEFAULT_SMTP_PORT);
    } catch (picocli.CommandLine.TypeConversionException e) {
      throw new BadInputException("DEST " + e.getMessage(), e);
    }
    AssembledRun session = root.run(health.url());
    PolicyEngine engine = session.loadPolicy(policy.policy, policy.access());
    SourceResolver resolver = session.resolver(engine, policy.cache);
    EgressSource egress = resolver.resolve(source);
    SmtpProbe probe = session.get(SmtpProbe.class);
    ProbeResult result;
    try {
      result = Probes.run(probe, egress, dest, Optional.ofNullable(ehlo), timeout);
    } catch (EgressConnectException e) {
      if (json) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", false);
        out.put("failure", Probes.failureView(egress.name(), e));
        Json.print(io.out(), out);
      }
      throw new JobFailedException("probe " + Printable.escape(egress.name()) + " (" + e.kind() + "): "
          + e.getMessage(), e);
    }
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("ok", true);
      out.put("result", Probes.view(result));
      Json.print(io.out(), out);
      return ExitCodes.OK;
    }
    Style style = io.style();
    io.out().println(style.bold("probe " + Printable.escape(egress.name())) + " -> "
        + Endpoints.format(result.destination()) + " (" + Routes.kind(egress.route()) + ")");
    TextTable table = new TextTable("", "");
    table.row("local address", Endpoints.format(result.localAddress()));
    table.row("server sees", Endpoints.format(result.reportedSource().address())
        + " (" + result.protocol() + ")");
    table.row("proxy", result.proxyCandidate().map(Endpoints::format).orElse("-"));
    table.row("banner", String.join(" / ", result.banner()));
    table.row("EHLO sent", result.ehloName());
    table.row("EHLO reply", String.join(" / ", result.ehloReply()));
    table.row("timings", Probes.timings(result.timings()));
    // The header row of a two-column key/value table is empty: drop it.
    String rendered = table.render(Style.PLAIN);
    io.out().print(rendered.substring(rendered.indexOf('\n') + 1).lines()
        .map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n"));
    io.out().println(style.green("ok"));
    io.out().flush();
    return ExitCodes.OK;
  }
}
