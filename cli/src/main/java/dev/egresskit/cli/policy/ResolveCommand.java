package dev.egresskit.cli.policy;

import dev.egresskit.cli.options.PolicyOptions;
import dev.egresskit.cli.output.ExitCodes;
import dev.egresskit.cli.output.Failures;
import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.output.Json;
import dev.egresskit.cli.output.Routes;
import dev.egresskit.cli.output.TextTable;
import dev.egresskit.cli.run.AssembledRun;
import dev.egresskit.cli.run.CommandContext;
import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.text.Printable;
import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.PoolEntry;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.resolve.ResolutionException;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.core.resolve.SourceViews;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code egresskit resolve}: what a policy resolves names to. */
@Command(
    name = "resolve",
    description = {
      "Load a policy and resolve sources (NAME) and pools (--pool) through the same cache and"
          + " validation a sender uses; print them as a table or as JSON with KumoMTA's field"
          + " names. The SOCKS5 password is always shown as <redacted>.",
      ""
    })
public final class ResolveCommand implements Callable<Integer> {

  @ParentCommand CommandContext root;

  @Spec CommandSpec spec;

  @Mixin PolicyOptions policy;

  @Parameters(paramLabel = "NAME", arity = "0..*", description = "Source names to resolve.")
  List<String> names = new ArrayList<>();

  @Option(names = "--pool", paramLabel = "NAME",
      description = "A pool to resolve (every entry's source is resolved too). Repeatable.")
  List<String> pools = new ArrayList<>();

  @Option(names = "--json", description = "Print JSON: {sources: [...], pools: [...], errors: [...]}.")
  boolean json;

  @Override
  public Integer call() {
    if (names.isEmpty() && pools.isEmpty()) {
      throw new ParameterException(spec.commandLine(),
          "give at least one source NAME or --pool NAME");
    }
    Io io = root.io();
    AssembledRun session = root.run();
    PolicyEngine engine = session.loadPolicy(policy.policy, policy.access());
    SourceResolver resolver = session.resolver(engine, policy.cache);

    List<EgressSource> sources = new ArrayList<>();
    List<EgressPool> resolvedPools = new ArrayList<>();
    Map<String, List<Failures.Line>> errors = new LinkedHashMap<>();
    for (String name : names) {
      try {
        sources.add(resolver.resolve(name));
      } catch (ResolutionException e) {
        errors.put(name, Failures.lines(e));
      }
    }
    for (String name : pools) {
      try {
        resolvedPools.add(resolver.resolvePool(name));
      } catch (ResolutionException e) {
        errors.put("pool " + name, Failures.lines(e));
      }
    }

    if (json) {
      Json.print(io.out(), jsonView(sources, resolvedPools, errors));
    } else {
      printText(io, resolver, sources, resolvedPools);
    }
    for (Map.Entry<String, List<Failures.Line>> error : errors.entrySet()) {
      for (Failures.Line line : error.getValue()) {
        io.err().println(io.style().red("error: ") + line.text());
      }
    }
    return errors.isEmpty() ? ExitCodes.OK : ExitCodes.BAD_INPUT;
  }

  private static Map<String, Object> jsonView(List<EgressSource> sources,
      List<EgressPool> pools, Map<String, List<Failures.Line>> errors) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sources", sources.stream().map(SourceViews::sourceView).toList());
    out.put("pools", pools.stream().map(SourceViews::poolView).toList());
    List<Map<String, Object>> errorViews = new ArrayList<>();
    errors.forEach((name, lines) -> lines.forEach(line -> {
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("name", name);
      view.putAll(line.view());
      errorViews.add(view);
    }));
    out.put("errors", errorViews);
    return out;
  }

  private static void printText(Io io, SourceResolver resolver, List<EgressSource> sources,
      List<EgressPool> pools) {
    if (!sources.isEmpty()) {
      io.out().print(sourceTable(sources).render(io.style()));
    }
    for (EgressPool pool : pools) {
      if (!sources.isEmpty() || pool != pools.get(0)) {
        io.out().println();
      }
      io.out().println(io.style().bold("pool " + Printable.escape(pool.name())) + " (ttl "
          + Durations.format(pool.ttl()) + ", " + pool.entries().size()
          + (pool.entries().size() == 1 ? " entry" : " entries") + ")");
      List<EgressSource> members = new ArrayList<>();
      TextTable weights = new TextTable("SOURCE", "WEIGHT", "ROUTE", "BIND", "VIA", "EHLO");
      for (PoolEntry entry : pool.entries()) {
        // Already resolved (and cached) while the pool was validated.
        EgressSource source = resolver.resolve(entry.name());
        members.add(source);
        weights.row(entry.name(), Long.toString(entry.weight()), Routes.kind(source.route()),
            Routes.bind(source), Routes.via(source), source.ehloDomain().orElse("-"));
      }
      if (!members.isEmpty()) {
        io.out().print(weights.render(io.style()));
      }
    }
    io.out().flush();
  }

  /** The source table shared with {@code check}. */
  static TextTable sourceTable(List<EgressSource> sources) {
    TextTable table = new TextTable("SOURCE", "ROUTE", "BIND", "VIA", "EHLO", "PORT", "TTL");
    for (EgressSource source : sources) {
      table.row(source.name(), Routes.kind(source.route()), Routes.bind(source),
          Routes.via(source), source.ehloDomain().orElse("-"),
          source.remotePort().isPresent() ? Integer.toString(source.remotePort().getAsInt()) : "-",
          Durations.format(source.ttl()));
    }
    return table;
  }
}
