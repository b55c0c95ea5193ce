package dev.egresskit.core.policy.support;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.Made;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The sources a policy defined with {@code kumo.define_egress_source{...}} while it loaded. As in
 * KumoMTA, defining a name again replaces the earlier definition (the latest one wins).
 *
 * <p>Used by one interpreter's loading thread; {@link #snapshot()} hands out an immutable copy.
 */
public final class DefinedSourceRegistry {
  private final Map<String, Made<EgressSource>> byName = new LinkedHashMap<>();

  /** Records {@code source} under its name, replacing an earlier definition of that name. */
  public void define(Made<EgressSource> source) {
    Objects.requireNonNull(source, "source");
    byName.put(source.value().name(), source);
  }

  /** Every definition, by name, in the order names were first defined. */
  public Map<String, Made<EgressSource>> snapshot() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(byName));
  }
}
