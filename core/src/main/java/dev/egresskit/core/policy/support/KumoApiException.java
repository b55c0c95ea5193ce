package dev.egresskit.core.policy.support;

/**
 * A {@code kumo.*} function was called wrongly (an unknown event, a second handler, a path that
 * leaves the policy folder, ...). The message is written for the policy author; a binding raises
 * it as an error in the script so that the script's file and line are prefixed by the language
 * runtime, exactly as for the script's own {@code error(...)} calls.
 */
public final class KumoApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message what the policy author did wrong and what is allowed instead */
  public KumoApiException(String message) {
    super(message);
  }

  /**
   * @param message what the policy author did wrong and what is allowed instead
   * @param cause   the underlying failure (for example an I/O error reading a data file)
   */
  public KumoApiException(String message, Throwable cause) {
    super(message, cause);
  }
}
