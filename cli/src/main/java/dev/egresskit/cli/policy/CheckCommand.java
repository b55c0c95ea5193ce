package dev.egresskit.cli.policy;

import dev.egresskit.core.text.Printable;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.egresskit.cli.options.PolicyOptions;
import dev.egresskit.cli.output.BadInputException;
import dev.egresskit.cli.output.ExitCodes;
import dev.egresskit.cli.output.Failures;
import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.output.Json;
import dev.egresskit.cli.output.Routes;
import dev.egresskit.cli.output.Style;
import dev.egresskit.cli.run.AssembledRun;
import dev.egresskit.cli.run.CommandContext;
import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.policy.support.PolicyFiles;
import dev.egresskit.core.resolve.ResolutionException;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.core.resolve.SourceViews;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code egresskit check}: load a policy, run its handlers, report every problem. */
@Command(
    name = "check",
    description = {
      "Load a policy as kumod --validate does (_VALIDATING_CONFIG is true; init and the"
          + " validate_config handlers run, and kumo.validation_failed() fails the check), run"
          + " its handlers for the given names (or, without names, for every source it defines"
          + " with kumo.define_egress_source, every name a data helper such as"
          + " policy-extras.sources knows, and every source and pool in the data files it loads"
          + " by literal name with kumo.json_load/toml_load, in the sources-helper layout"
          + " {source = {...}, pool = {...}}), and report every problem as script:line.",
      "Ends with what it accepted and ignored: events registered but never called, and inert"
          + " kumo calls with counts.",
      "Also warns, without running anything, about kumo.make_egress_source/make_egress_pool"
          + " calls whose value is discarded (a missing 'return': KumoMTA's own examples have"
          + " this bug). Warnings do not change the exit code.",
      ""
    })
public final class CheckCommand implements Callable<Integer> {

  @ParentCommand CommandContext root;

  @Mixin PolicyOptions policy;

  @Parameters(paramLabel = "NAME", arity = "0..*", description = "Source names to check.")
  List<String> names = new ArrayList<>();

  @Option(names = "--pool", paramLabel = "NAME", description = "A pool to check. Repeatable.")
  List<String> pools = new ArrayList<>();

  @Option(names = "--json", description = "Print JSON: {policy, checked, problems, warnings}.")
  boolean json;

  /** One checked name and its outcome. */
  private record Checked(String kind, String name, Object value, List<Failures.Line> problems) {}

  @Override
  public Integer call() {
    Io io = root.io();
    AssembledRun session = root.run();
    Path script = policy.policy;
    if (!Files.isRegularFile(script)) {
      throw new BadInputException("--policy " + script + ": no such file");
    }
    String language = session.engineFor(script).language();
    String text;
    try {
      text = Files.readString(script, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BadInputException("--policy " + script + ": cannot read: " + e.getMessage(), e);
    }
    String scriptName = script.getFileName().toString();
    boolean lua = language.toLowerCase(Locale.ROOT).equals("lua");
    boolean js = language.toLowerCase(Locale.ROOT).startsWith("j");
    PolicyLint.Result lint = lua || js ? PolicyLint.scan(scriptName, text, lua)
        : new PolicyLint.Result(List.of(), List.of());

    List<Checked> checked = new ArrayList<>();
    List<Failures.Line> loadProblems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    PolicyEngine engine = null;
    try {
      engine = session.loadPolicyForValidation(script, policy.access());
    } catch (PolicyException | ResolutionException
        | dev.egresskit.core.spec.InvalidSpecException e) {
      loadProblems.addAll(Failures.lines(e));
    }

    if (engine != null) {
      for (var failure : engine.usage().validationFailures()) {
        loadProblems.addAll(Failures.lines(new PolicyException(failure.message(),
            failure.where())));
      }
      Set<String> sourceNames = new LinkedHashSet<>(names);
      Set<String> poolNames = new LinkedHashSet<>(pools);
      if (names.isEmpty() && pools.isEmpty()) {
        sourceNames.addAll(engine.definedSources().keySet());
        sourceNames.addAll(engine.usage().knownSources());
        poolNames.addAll(engine.usage().knownPools());
        discoverFromDataFiles(PolicyFiles.of(script, policy.access()), lint.dataFiles(),
            sourceNames, poolNames, notes, loadProblems);
        if (sourceNames.isEmpty() && poolNames.isEmpty()) {
          notes.add("no names given, and the policy defines none statically or in data files it"
              + " loads by literal name: only loading was checked (give NAME... or --pool NAME)");
        }
      }
      SourceResolver resolver = session.resolver(engine, policy.cache);
      for (String name : sourceNames) {
        try {
          EgressSource source = resolver.resolve(name);
          checked.add(new Checked("source", name, source, List.of()));
        } catch (ResolutionException e) {
          checked.add(new Checked("source", name, null, Failures.lines(e)));
        }
      }
      for (String name : poolNames) {
        try {
          EgressPool pool = resolver.resolvePool(name);
          checked.add(new Checked("pool", name, pool, List.of()));
        } catch (ResolutionException e) {
          checked.add(new Checked("pool", name, null, Failures.lines(e)));
        }
      }
    }

    List<PolicyLint.Warning> warnings = new ArrayList<>(lint.warnings());
    warnings.addAll(EhloWarnings.of(scriptName, checked.stream()
        .filter(c -> c.value() instanceof EgressSource).map(c -> (EgressSource) c.value())
        .toList()));
    int problems = loadProblems.size()
        + checked.stream().mapToInt(c -> c.problems().size()).sum();
    CheckAccepted accepted = engine == null ? null : CheckAccepted.of(engine);
    if (json) {
      Map<String, Object> view = jsonView(script, language, engine != null, checked,
          loadProblems, warnings, notes);
      view.put("accepted", accepted == null ? null : accepted.view());
      Json.print(io.out(), view);
    } else {
      printText(io, scriptName, language, engine != null, checked, loadProblems,
          warnings, notes, problems, accepted);
    }
    return problems == 0 ? ExitCodes.OK : ExitCodes.BAD_INPUT;
  }

  /** Names in the data files the policy loads by literal name, read under the policy's rule. */
  private static void discoverFromDataFiles(PolicyFiles rule, List<PolicyLint.DataFile> files,
      Set<String> sourceNames, Set<String> poolNames, List<String> notes,
      List<Failures.Line> problems) {
    for (PolicyLint.DataFile file : files) {
      String text;
      try {
        text = rule.readText("data file", file.name());
      } catch (KumoApiException e) {
        notes.add(file.location() + ": " + e.getMessage() + "; not read");
        continue;
      }
      JsonNode tree;
      try {
        ObjectMapper mapper = file.name().toLowerCase(Locale.ROOT).endsWith(".toml")
            ? new TomlMapper() : new ObjectMapper();
        tree = mapper.readTree(text);
      } catch (IOException e) {
        problems.add(new Failures.Line(java.util.Optional.of(file.location()),
            "data file " + file.name() + " cannot be read: " + e.getMessage()));
        continue;
      }
      addKeys(tree.get("source"), sourceNames);
      addKeys(tree.get("pool"), poolNames);
    }
  }

  private static void addKeys(JsonNode node, Set<String> into) {
    if (node != null && node.isObject()) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        into.add(it.next());
      }
    }
  }

  private static void printText(Io io, String scriptName, String language, boolean loaded,
      List<Checked> checked, List<Failures.Line> loadProblems, List<PolicyLint.Warning> warnings,
      List<String> notes, int problems, CheckAccepted accepted) {
    Style style = io.style();
    io.out().println(style.bold(Printable.escape(scriptName)) + " (" + language + "): "
        + (loaded ? "loaded" : style.red("does not load")));
    for (Failures.Line line : loadProblems) {
      io.out().println("  " + style.red("error") + "    " + line.text());
    }
    for (Checked c : checked) {
      String label = Printable.escape((c.kind().equals("pool") ? "pool " : "") + c.name());
      if (c.problems().isEmpty()) {
        io.out().println("  " + style.green("ok") + "       " + label + "  "
            + Printable.escape(summary(c.value())));
      } else {
        io.out().println("  " + style.red("error") + "    " + label);
        for (Failures.Line line : c.problems()) {
          io.out().println("           " + line.text());
        }
      }
    }
    for (PolicyLint.Warning warning : warnings) {
      io.out().println("  " + style.yellow("warning") + "  " + Printable.escape(warning.text()));
    }
    for (String note : notes) {
      io.out().println("  note     " + note);
    }
    if (accepted != null) {
      accepted.lines().forEach(io.out()::println);
    }
    long failedNames = checked.stream().filter(c -> !c.problems().isEmpty()).count();
    io.out().println(problems == 0
        ? style.green("no problems") + " (" + checked.size() + " checked, " + warnings.size()
            + (warnings.size() == 1 ? " warning)" : " warnings)")
        : style.red(problems + (problems == 1 ? " problem" : " problems")) + " ("
            + failedNames + " of " + checked.size() + " names failed"
            + (loadProblems.isEmpty() ? "" : loaded ? ", validation failed"
                : ", the policy does not load") + ", "
            + warnings.size() + (warnings.size() == 1 ? " warning)" : " warnings)"));
    io.out().flush();
  }

  private static String summary(Object value) {
    if (value instanceof EgressSource source) {
      String via = Routes.via(source);
      return Routes.kind(source.route()) + (Routes.bind(source).equals("-") ? ""
          : " from " + Routes.bind(source)) + (via.equals("-") ? "" : " " + via);
    }
    EgressPool pool = (EgressPool) value;
    return pool.entries().size() + (pool.entries().size() == 1 ? " entry" : " entries");
  }

  private static Map<String, Object> jsonView(Path script, String language, boolean loaded,
      List<Checked> checked, List<Failures.Line> loadProblems, List<PolicyLint.Warning> warnings,
      List<String> notes) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("policy", script.toString());
    out.put("language", language);
    out.put("loaded", loaded);
    List<Map<String, Object>> items = new ArrayList<>();
    List<Map<String, Object>> problemViews = new ArrayList<>();
    for (Failures.Line line : loadProblems) {
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("name", null);
      view.putAll(line.view());
      problemViews.add(view);
    }
    for (Checked c : checked) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("kind", c.kind());
      item.put("name", c.name());
      item.put("ok", c.problems().isEmpty());
      if (c.value() instanceof EgressSource source) {
        item.put("source", SourceViews.sourceView(source));
      } else if (c.value() instanceof EgressPool pool) {
        item.put("pool", SourceViews.poolView(pool));
      }
      items.add(item);
      for (Failures.Line line : c.problems()) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", c.name());
        view.putAll(line.view());
        problemViews.add(view);
      }
    }
    out.put("checked", items);
    out.put("problems", problemViews);
    List<Map<String, Object>> warningViews = new ArrayList<>();
    for (PolicyLint.Warning warning : warnings) {
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("script", warning.location().script());
      view.put("line", warning.location().line());
      view.put("message", warning.message());
      warningViews.add(view);
    }
    out.put("warnings", warningViews);
    out.put("notes", notes);
    return out;
  }
}
