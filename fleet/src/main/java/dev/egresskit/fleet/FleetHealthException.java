package dev.egresskit.fleet;

/**
 * The fleet's Redis cannot be used as configured (wrong password, wrong database, TLS on one
 * side only, a bad URL): reported at start, never later. The message names the URL without its
 * password.
 */
public final class FleetHealthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  FleetHealthException(String message, Throwable cause) {
    super(message, cause);
  }
}
