package dev.egresskit.cli;

/**
 * The user's input is wrong: a malformed argument, a missing file, a policy that fails. Reported
 * as one message (no stack trace) with exit code {@link ExitCodes#BAD_INPUT}.
 */
final class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BadInputException(String message) {
    super(message);
  }

  BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
