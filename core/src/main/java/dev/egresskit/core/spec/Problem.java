package dev.egresskit.core.spec;

import dev.egresskit.core.policy.ScriptLocation;
import java.util.Objects;
import java.util.Optional;

/**
 * One validation problem in a raw spec.
 *
 * @param field    the field (dotted for nested fields, e.g. {@code suspend_when_unplumbed.duration});
 *                 empty for problems that concern several fields
 * @param location where the spec was built
 * @param value    the offending value as shown to the user (secrets already redacted), if any
 * @param reason   what is wrong, using KumoMTA's wording where it has one
 * @param allowed  the allowed form or range, e.g. {@code an integer 1..65535}
 */
public record Problem(
    String field, ScriptLocation location, Optional<String> value, String reason, String allowed) {
  public Problem {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(allowed, "allowed");
  }

  /**
   * One line: {@code field: reason: value (allowed: ...) at script:line}. The value is left out
   * when the reason already quotes it (KumoMTA's reasons often do).
   */
  public String describe() {
    StringBuilder out = new StringBuilder();
    if (!field.isEmpty()) {
      out.append(field).append(": ");
    }
    out.append(reason);
    value.filter(v -> !reason.contains(v)).ifPresent(v -> out.append(": ").append(v));
    if (!allowed.isEmpty()) {
      out.append(" (allowed: ").append(allowed).append(')');
    }
    out.append(" at ").append(location);
    return out.toString();
  }
}
