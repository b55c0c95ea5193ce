package dev.egresskit.core.policy;

import java.util.Map;
import java.util.Objects;

/**
 * A value a script built with a {@code kumo.make_*} function, together with the place it was
 * built (used when the resolver rejects it, e.g. for a name mismatch) and the fields it was built
 * from. Each field was checked on its own; the rules that need several fields, and the site
 * rules, run on the fields when the value is about to be used (see
 * {@code dev.egresskit.core.validate.EgressSpecs#accept}).
 *
 * @param value    the value built from the fields
 * @param location where the {@code make_*} call was made
 * @param fields   the fields as the script handed them over, secrets replaced by
 *                 {@code <redacted>}; empty for values built by Java code
 * @param <T>      the value type
 */
public record Made<T>(T value, ScriptLocation location, Map<String, Object> fields) {
  public Made {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(location, "location");
    fields = FieldMaps.frozen(fields);
  }

  /** A value built by code that hands over no fields (Java code, tests). */
  public Made(T value, ScriptLocation location) {
    this(value, location, Map.of());
  }

  /** The value and where it was made; the fields are left out (they are for the rules). */
  @Override
  public String toString() {
    return "Made[" + value + " at " + location + "]";
  }
}
