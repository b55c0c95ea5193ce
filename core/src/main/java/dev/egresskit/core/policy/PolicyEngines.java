package dev.egresskit.core.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Finds the {@link PolicyEngineProvider} for a script by its file extension, using
 * {@link ServiceLoader}, and loads the script with it.
 */
public final class PolicyEngines {
  private PolicyEngines() {}

  /** Every provider visible to the thread's context class loader (or this class's loader). */
  public static List<PolicyEngineProvider> providers() {
    return providers(defaultLoader());
  }

  /** Every provider visible to {@code loader}. */
  public static List<PolicyEngineProvider> providers(ClassLoader loader) {
    List<PolicyEngineProvider> found = new ArrayList<>();
    ServiceLoader.load(PolicyEngineProvider.class, loader).forEach(found::add);
    return found;
  }

  /**
   * The provider for {@code script}'s extension (compared case-insensitively).
   *
   * @throws PolicyException naming the supported extensions when no provider (or more than one)
   *     handles it
   */
  public static PolicyEngineProvider providerFor(Path script) {
    return providerFor(script, defaultLoader());
  }

  /** The provider for {@code script}'s extension, among those visible to {@code loader}. */
  public static PolicyEngineProvider providerFor(Path script, ClassLoader loader) {
    Objects.requireNonNull(script, "script");
    String fileName = script.getFileName() == null ? script.toString()
        : script.getFileName().toString();
    int dot = fileName.lastIndexOf('.');
    String extension = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    List<PolicyEngineProvider> all = providers(loader);
    List<PolicyEngineProvider> matching = new ArrayList<>();
    TreeSet<String> supported = new TreeSet<>();
    for (PolicyEngineProvider provider : all) {
      provider.extensions().forEach(e -> supported.add("." + e));
      if (provider.extensions().contains(extension)) {
        matching.add(provider);
      }
    }
    if (matching.size() == 1) {
      return matching.get(0);
    }
    if (all.isEmpty()) {
      throw new PolicyException("cannot load policy '" + fileName
          + "': no policy engine is on the class path (add the Lua or JavaScript binding)", null);
    }
    if (matching.isEmpty()) {
      throw new PolicyException("cannot load policy '" + fileName + "': "
          + (extension.isEmpty() ? "it has no file extension" : "no policy engine handles ."
              + extension)
          + "; supported extensions: " + String.join(", ", supported), null);
    }
    List<String> languages = matching.stream().map(PolicyEngineProvider::language).toList();
    throw new PolicyException("cannot load policy '" + fileName + "': ." + extension
        + " is claimed by several policy engines: " + String.join(", ", languages), null);
  }

  /**
   * Loads {@code script} with the provider for its extension.
   *
   * @throws PolicyException if no provider handles it, or the script fails to load
   * @throws java.io.UncheckedIOException if the script cannot be read
   */
  public static PolicyEngine load(Path script, PolicySettings settings) {
    return providerFor(script).load(script, settings);
  }

  /** Like {@link #load(Path, PolicySettings)}, with the providers visible to {@code loader}. */
  public static PolicyEngine load(Path script, PolicySettings settings, ClassLoader loader) {
    return providerFor(script, loader).load(script, settings);
  }

  private static ClassLoader defaultLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : PolicyEngines.class.getClassLoader();
  }
}
