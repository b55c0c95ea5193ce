package dev.egresskit.core.resolve;

import dev.egresskit.core.policy.ScriptLocation;
import java.util.Optional;

/**
 * A source or pool could not be resolved. The message has KumoMTA's shape:
 * {@code get_egress_source 'NAME': <cause>} for a source and
 * {@code resolving egress pool 'NAME': <cause>} for a pool (whose cause may itself be a source's
 * message), and never contains a secret.
 */
public final class ResolutionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ScriptLocation location;

  /**
   * @param message  the full message
   * @param location where in the policy the problem is, when known
   * @param cause    the underlying failure, if any
   */
  public ResolutionException(String message, ScriptLocation location, Throwable cause) {
    super(message, cause);
    this.location = location;
  }

  /** Where in the policy the problem is (a handler error, a {@code make_*} call), when known. */
  public Optional<ScriptLocation> location() {
    return Optional.ofNullable(location);
  }
}
