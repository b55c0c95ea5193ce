package dev.egresskit.core.policy;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Unmodifiable, insertion-ordered copies of the field maps that travel from a script's
 * {@code make_*} call through {@link dev.egresskit.core.spec.RawSpec}, the field checks and
 * {@link Made}. Each of those keeps an unmodifiable copy of what it is
 * handed; a map that is already such a copy is kept as it is, so one call copies its fields once
 * instead of at every step (this runs on every cache miss).
 */
public final class FieldMaps {
  private FieldMaps() {}

  /**
   * An unmodifiable copy of {@code fields} in their iteration order, or {@code fields} itself
   * when it is already one.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> frozen(Map<String, ?> fields) {
    if (fields instanceof Frozen frozen) {
      return frozen;
    }
    return fields.isEmpty() ? Frozen.EMPTY : new Frozen(new LinkedHashMap<>(fields));
  }

  /** A builder of one frozen map, for a binding converting a script's table (no copy at the end). */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects fields in order; {@link #build()} hands them over without copying. */
  public static final class Builder {
    private LinkedHashMap<String, Object> fields = new LinkedHashMap<>();

    private Builder() {}

    /** Adds (or replaces) a field. */
    public Builder put(String name, Object value) {
      if (fields == null) {
        throw new IllegalStateException("already built");
      }
      fields.put(name, value);
      return this;
    }

    /** The fields, frozen; the builder cannot be used afterwards. */
    public Map<String, Object> build() {
      if (fields == null) {
        throw new IllegalStateException("already built");
      }
      Map<String, Object> frozen = fields.isEmpty() ? Frozen.EMPTY : new Frozen(fields);
      fields = null;
      return frozen;
    }
  }

  /** Whether {@code map} is a copy made by {@link #frozen}, which nobody can change. */
  public static boolean isFrozen(Map<?, ?> map) {
    return map instanceof Frozen;
  }

  /** Reads delegate to a private map; every change is refused (by {@link AbstractMap}). */
  private static final class Frozen extends AbstractMap<String, Object> {
    static final Frozen EMPTY = new Frozen(new LinkedHashMap<>());

    private final Map<String, Object> fields;
    private final Set<Entry<String, Object>> entries;

    Frozen(LinkedHashMap<String, Object> owned) {
      this.fields = owned;
      this.entries = Collections.unmodifiableMap(owned).entrySet();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return entries;
    }

    @Override
    public Object get(Object key) {
      return fields.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return fields.containsKey(key);
    }

    @Override
    public int size() {
      return fields.size();
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Object> action) {
      fields.forEach(action);
    }
  }
}
