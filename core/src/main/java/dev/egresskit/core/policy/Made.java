package dev.egresskit.core.policy;

import java.util.Objects;

/**
 * A value a script built with a {@code kumo.make_*} function, already validated, together with
 * the place it was built (used when the resolver rejects it, e.g. for a name mismatch).
 *
 * @param value    the validated value
 * @param location where the {@code make_*} call was made
 * @param <T>      the value type
 */
public record Made<T>(T value, ScriptLocation location) {
  public Made {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(location, "location");
  }
}
