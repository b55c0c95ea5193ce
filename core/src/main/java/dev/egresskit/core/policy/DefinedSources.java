package dev.egresskit.core.policy;

import dev.egresskit.core.model.EgressSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The sources a policy defines statically with {@code kumo.define_egress_source}. As in KumoMTA,
 * defining a name again replaces the earlier definition; {@link #all()} keeps the order in which
 * each name was <em>first</em> defined. Thread-safe: a policy may be loaded on one thread and
 * read on others.
 */
public final class DefinedSources {
  private final Map<String, Made<EgressSource>> byName = new LinkedHashMap<>();

  /** An empty registry. */
  public DefinedSources() {}

  /**
   * Defines (or redefines) a source under its own name.
   *
   * @return the definition it replaced, if any
   */
  public synchronized Optional<Made<EgressSource>> define(Made<EgressSource> source) {
    Objects.requireNonNull(source, "source");
    return Optional.ofNullable(byName.put(source.value().name(), source));
  }

  /** Defines a source built by Java code ({@link ScriptLocation#JAVA}). */
  public Optional<Made<EgressSource>> define(EgressSource source) {
    return define(new Made<>(source, ScriptLocation.JAVA));
  }

  /** The current definition of {@code name}. */
  public synchronized Optional<EgressSource> get(String name) {
    return definition(name).map(Made::value);
  }

  /** The current definition of {@code name} with the place it was made. */
  public synchronized Optional<Made<EgressSource>> definition(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Every defined source (latest definitions), in order of each name's first definition. */
  public synchronized List<EgressSource> all() {
    List<EgressSource> out = new ArrayList<>(byName.size());
    byName.values().forEach(m -> out.add(m.value()));
    return List.copyOf(out);
  }

  /** Every current definition by name, in order of each name's first definition (a copy). */
  public synchronized Map<String, Made<EgressSource>> definitions() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(byName));
  }

  /** How many distinct names are defined. */
  public synchronized int size() {
    return byName.size();
  }

  @Override
  public synchronized String toString() {
    return "DefinedSources" + byName.keySet();
  }
}
