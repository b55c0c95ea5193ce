package dev.egresskit.cli.demo;

import dev.egresskit.cli.options.HealthOptions;
import dev.egresskit.cli.options.DurationConverter;
import dev.egresskit.cli.output.ExitCodes;
import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.output.Json;
import dev.egresskit.cli.run.AssembledRun;
import dev.egresskit.cli.run.CommandContext;
import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.PoolEntry;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.pool.PoolSelection;
import dev.egresskit.core.pool.PoolSelector;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.transport.SmtpProbe;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code egresskit demo}: every route of the bundled policy, end to end on loopback, checked
 * against what the receiving server recorded. The servers ({@link DemoServers}), the policy
 * folder ({@link DemoPolicyFolder}), each route's check ({@link RouteCheck}) and the output
 * ({@link DemoReport}) each have their own class; this one runs them in order.
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
  /** The most pool picks the demo probes (its own pool's cycle is 8). */
  private static final int MAX_PICKS = 32;

  /** The bundled policy languages. */
  enum Lang { lua, js }

  @ParentCommand CommandContext root;

  @Mixin HealthOptions health = new HealthOptions();

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

  @Override
  public Integer call() throws IOException {
    Io io = root.io();
    AssembledRun run = root.run(health.url());
    DemoServers servers = DemoServers.start(run);
    Path policyFile = DemoPolicyFolder.write(run, servers, lang.name(), keep);

    PolicyEngine engine = run.loadPolicy(policyFile);
    SourceResolver resolver = run.resolver(engine, "lruttl");
    RouteCheck check = new RouteCheck(run.get(SmtpProbe.class), servers, timeout);
    EgressPool pool = resolver.resolvePool(POOL);

    // One unreported connection per route first: the first use of each code path pays for
    // class loading and JIT, which is not what the per-phase times should show.
    for (PoolEntry entry : pool.entries()) {
      check.warmUp(resolver.resolve(entry.name()));
    }
    List<RouteOutcome> routes = new ArrayList<>();
    for (PoolEntry entry : pool.entries()) {
      routes.add(check.check(resolver.resolve(entry.name())));
    }
    PoolSelector selector = PoolSelector.of(pool);
    List<RouteOutcome> picks = new ArrayList<>();
    List<String> pickProblems = new ArrayList<>();
    for (int i = 0; i < cycleLength(pool); i++) {
      PoolSelection selection = selector.select(QUEUE, run.health());
      if (selection instanceof PoolSelection.Selected selected) {
        picks.add(check.check(resolver.resolve(selected.sourceName())));
      } else {
        pickProblems.add("pick " + (i + 1) + ": " + selection.description());
      }
    }
    DemoResult result = new DemoResult(lang.name(), servers, policyFile, pool, routes, picks,
        pickProblems);

    if (json) {
      Json.print(io.out(), DemoReport.json(result));
    } else {
      DemoReport.printText(io, result);
    }
    if (keep) {
      io.err().println("policy folder kept: " + policyFile.getParent() + " (the servers have"
          + " stopped; try egresskit resolve --policy " + policyFile + " --pool " + POOL + ")");
    }
    return result.ok() ? ExitCodes.OK : ExitCodes.JOB_FAILED;
  }

  /**
   * How many picks the demo probes: one full weighted round-robin cycle
   * ({@link PoolSelector#cycleLength}), at least one (so an unusable pool shows its problem)
   * and at most {@value #MAX_PICKS} (a user's pool may have a long cycle).
   */
  public static int cycleLength(EgressPool pool) {
    return (int) Math.max(1, Math.min(PoolSelector.cycleLength(pool), MAX_PICKS));
  }
}
