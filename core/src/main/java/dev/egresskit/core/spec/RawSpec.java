package dev.egresskit.core.spec;

import dev.egresskit.core.policy.FieldMaps;
import dev.egresskit.core.policy.ScriptLocation;
import java.util.Map;
import java.util.Objects;

/**
 * What a script handed to {@code make_egress_source} or {@code make_egress_pool}: the fields as
 * plain Java values, and where the call was made.
 *
 * <p>Field values use a small closed set of types so every binding maps to the same thing:
 * {@link String}, {@link Long} (integers), {@link Double} (non-integral numbers), {@link Boolean},
 * {@code Map<String, Object>} (nested tables/objects, insertion-ordered) and
 * {@code List<Object>} (arrays). Absent keys (Lua {@code nil}, JS {@code undefined}/{@code null})
 * are simply not in the map.
 *
 * @param fields   the fields, in the order the script wrote them where the language keeps it
 * @param location where the spec was built
 */
public record RawSpec(Map<String, Object> fields, ScriptLocation location) {
  public RawSpec {
    Objects.requireNonNull(fields, "fields");
    Objects.requireNonNull(location, "location");
    fields = FieldMaps.frozen(fields);
  }

  /** The value of {@code key}, or {@code null} when absent. */
  public Object get(String key) {
    return fields.get(key);
  }

  /** Field names only; values may hold secrets, so they are never printed here. */
  @Override
  public String toString() {
    return "RawSpec" + fields.keySet() + " at " + location;
  }
}
