package dev.egresskit.cli.output;

/**
 * The user's input is wrong: a malformed argument, a missing file, a policy that fails. Reported
 * as one message (no stack trace) with exit code {@link ExitCodes#BAD_INPUT}.
 */
public final class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
