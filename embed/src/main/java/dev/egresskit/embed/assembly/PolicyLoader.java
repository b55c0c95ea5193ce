package dev.egresskit.embed.assembly;

import dev.egresskit.core.policy.FileAccess;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyEngineProvider;
import dev.egresskit.core.policy.PolicySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Loads policy scripts with the engine (built in or from a plug-in) that handles the file's
 * extension. (The sources a policy builds are validated whole, with the assembly's source
 * validators, when a resolver returns them: see {@link Resolvers}.) Every loaded engine is closed
 * with the assembly's {@link Closer}.
 */
public final class PolicyLoader {
  private final Map<String, PolicyEngineProvider> engines;
  private final PolicySettings settings;
  private final Closer closer;

  PolicyLoader(Map<String, PolicyEngineProvider> engines, PolicySettings settings,
      Closer closer) {
    this.engines = Map.copyOf(engines);
    this.settings = settings;
    this.closer = closer;
  }

  /** The extensions some engine handles, with their dot, sorted (e.g. {@code .js, .lua}). */
  public List<String> extensions() {
    TreeSet<String> all = new TreeSet<>();
    engines.values().forEach(p -> p.extensions().forEach(e -> all.add("." + e)));
    return List.copyOf(all);
  }

  /**
   * The engine for {@code script}'s extension.
   *
   * @throws SetupException if no engine, or more than one, handles the extension
   */
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
      throw new SetupException(script + ": "
          + (extension.isEmpty() ? "the file has no extension" : "no policy engine handles ."
              + extension)
          + " (supported: " + (engines.isEmpty() ? "none" : String.join(", ", extensions()))
          + ")");
    }
    throw new SetupException(script + ": ." + extension
        + " is claimed by several policy engines: "
        + matching.stream().map(PolicyEngineProvider::language).sorted().toList());
  }

  /**
   * Loads and runs the top level of {@code script}. (The sources it builds are validated whole
   * when a resolver returns them, with the run's source validators; see {@link Resolvers}.)
   *
   * @throws SetupException if the file is missing or no engine handles it
   * @throws dev.egresskit.core.policy.PolicyException if the script fails to load
   */
  public PolicyEngine load(Path script) {
    return load(script, settings);
  }

  /**
   * As {@link #load(Path)}, reading what {@code files} allows beyond the policy's folder
   * ({@code --allow-read}, {@code --path-map}).
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

  /** As {@link #load(Path)}, with other settings (e.g. a command's own handler deadline). */
  public PolicyEngine load(Path script, PolicySettings loadSettings) {
    if (!Files.isRegularFile(script)) {
      throw new SetupException(script + ": no such file");
    }
    PolicyEngineProvider provider = providerFor(script);
    try {
      return closer.register(provider.load(script, loadSettings));
    } catch (IllegalArgumentException e) {
      // An --allow-read or --path-map directory that vanished since the options were read.
      throw new SetupException(script + ": " + e.getMessage());
    }
  }
}
