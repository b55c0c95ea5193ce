package dev.egresskit.core.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Finds {@link SourceCacheFactory} implementations with {@link ServiceLoader}. */
public final class SourceCaches {
  private SourceCaches() {}

  /** Every factory visible to the thread's context class loader (or this class's loader). */
  public static List<SourceCacheFactory> factories() {
    return factories(defaultLoader());
  }

  /** Every factory visible to {@code loader}. */
  public static List<SourceCacheFactory> factories(ClassLoader loader) {
    List<SourceCacheFactory> found = new ArrayList<>();
    ServiceLoader.load(SourceCacheFactory.class, loader).forEach(found::add);
    return found;
  }

  /**
   * The factory named {@code name}.
   *
   * @throws IllegalArgumentException naming the available implementations when none matches
   */
  public static SourceCacheFactory factory(String name) {
    return factory(name, defaultLoader());
  }

  /** The factory named {@code name}, among those visible to {@code loader}. */
  public static SourceCacheFactory factory(String name, ClassLoader loader) {
    Objects.requireNonNull(name, "name");
    List<SourceCacheFactory> all = factories(loader);
    for (SourceCacheFactory factory : all) {
      if (factory.name().equals(name)) {
        return factory;
      }
    }
    TreeSet<String> names = new TreeSet<>();
    all.forEach(f -> names.add(f.name()));
    throw new IllegalArgumentException("no source cache implementation named '" + name
        + "'; available: " + String.join(", ", names));
  }

  private static ClassLoader defaultLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : SourceCaches.class.getClassLoader();
  }
}
