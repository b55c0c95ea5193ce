package dev.egresskit.cli;

/**
 * The job could not be done (a listener could not bind, a connection failed). Reported as one
 * message (no stack trace) with exit code {@link ExitCodes#JOB_FAILED}.
 */
final class JobFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  JobFailedException(String message) {
    super(message);
  }

  JobFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
