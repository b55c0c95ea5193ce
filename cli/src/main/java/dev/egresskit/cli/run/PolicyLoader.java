package dev.egresskit.cli.run;

import dev.egresskit.core.policy.FileAccess;
import dev.egresskit.cli.output.BadInputException;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyEngineProvider;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.spec.SourceValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads a policy script with the engine (from the Guice map of {@link PolicyEngineProvider}s,
 * built-in and plug-in) that handles its file extension. Every loaded engine is closed at the
 * end of the run.
 */
public final class PolicyLoader {
  private final Map<String, PolicyEngineProvider> engines;
  private final PolicySettings settings;
  private final List<SourceValidator> pluginValidators;
  private final Closer closer;

  PolicyLoader(Map<String, PolicyEngineProvider> engines, PolicySettings settings,
      Set<SourceValidator> pluginValidators, Closer closer) {
    this.engines = Map.copyOf(engines);
    this.settings = settings;
    this.pluginValidators = List.copyOf(pluginValidators);
    this.closer = closer;
  }

  /** The plug-in validators every loaded policy is checked with. */
  List<SourceValidator> pluginValidators() {
    return pluginValidators;
  }

  /** The extensions some engine handles, with their dot, sorted (e.g. {@code .js, .lua}). */
  List<String> extensions() {
    TreeSet<String> all = new TreeSet<>();
    engines.values().forEach(p -> p.extensions().forEach(e -> all.add("." + e)));
    return List.copyOf(all);
  }

  /** The engine for {@code script}'s extension. */
  public PolicyEngineProvider providerFor(Path script) {
    String file = script.getFileName() == null ? script.toString() : script.getFileName().toString();
    int dot = file.lastIndexOf('.');
    String extension = dot < 0 ? "" : file.substring(dot + 1).toLowerCase(Locale.ROOT);
    List<PolicyEngineProvider> matching = new ArrayList<>();
    for (PolicyEngineProvider provider : engines.values()) {
      if (provider.extensions().contains(extension)) {
        matching.add(provider);
      }
    }
    if (matching.size() == 1) {
      return matching.get(0);
    }
    if (matching.isEmpty()) {
      throw new BadInputException("--policy " + script + ": "
          + (extension.isEmpty() ? "the file has no extension" : "no policy engine handles ."
              + extension)
          + " (supported: " + (engines.isEmpty() ? "none" : String.join(", ", extensions()))
          + ")");
    }
    throw new BadInputException("--policy " + script + ": ." + extension
        + " is claimed by several policy engines: "
        + matching.stream().map(PolicyEngineProvider::language).sorted().toList());
  }

  /** Loads {@code script} reading only its own folder; see {@link #load(Path, FileAccess)}. */
  public PolicyEngine load(Path script) {
    return load(script, FileAccess.POLICY_FOLDER_ONLY);
  }

  /**
   * Loads and runs the top level of {@code script} and KumoMTA's start-up events; the engine
   * returned also applies the plug-in validators (see {@link PluginValidatedEngine}).
   *
   * @param files what the policy may read beyond its folder
   * @throws BadInputException if the file is missing or no engine handles it
   * @throws dev.egresskit.core.policy.PolicyException if the script fails to load
   */
  public PolicyEngine load(Path script, FileAccess files) {
    return load(script, settings.withFiles(files));
  }

  /**
   * Loads {@code script} as {@code kumod --validate} does: {@code _VALIDATING_CONFIG} is set and
   * the {@code validate_config} handlers run (their failures are in the engine's usage).
   */
  public PolicyEngine loadForValidation(Path script, FileAccess files) {
    return load(script, settings.withFiles(files).withValidating(true));
  }

  private PolicyEngine load(Path script, PolicySettings loadSettings) {
    if (!Files.isRegularFile(script)) {
      throw new BadInputException("--policy " + script + ": no such file");
    }
    PolicyEngineProvider provider = providerFor(script);
    PolicyEngine engine;
    try {
      engine = closer.register(provider.load(script, loadSettings));
    } catch (IllegalArgumentException e) {
      // An --allow-read or --path-map directory that vanished since the options were read.
      throw new BadInputException("--policy " + script + ": " + e.getMessage(), e);
    }
    return PluginValidatedEngine.wrap(engine, pluginValidators);
  }
}
