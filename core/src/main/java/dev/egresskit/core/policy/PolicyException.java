package dev.egresskit.core.policy;

import java.util.Optional;

/**
 * A policy script failed: it did not load, a handler raised an error, or it returned something
 * that is not a value built by the matching {@code kumo.make_*} function. The message starts with
 * {@code script:line:} when the location is known and carries the script's own error text
 * unchanged.
 */
public class PolicyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ScriptLocation location;

  public PolicyException(String message, ScriptLocation location) {
    this(message, location, null);
  }

  public PolicyException(String message, ScriptLocation location, Throwable cause) {
    super(message, cause);
    this.location = location;
  }

  /** Where in the script the failure happened, when known. */
  public Optional<ScriptLocation> location() {
    return Optional.ofNullable(location);
  }
}
