package dev.egresskit.js;

/**
 * A {@code kumo} function was called with something the JavaScript binding cannot use (a value
 * with no raw-spec form, a data file that does not parse, ...). Like the shared
 * {@code KumoApiException}, it is raised in the script as an {@code Error} at the calling line.
 */
final class KumoCallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  KumoCallException(String message) {
    super(message);
  }

  KumoCallException(String message, Throwable cause) {
    super(message, cause);
  }
}
