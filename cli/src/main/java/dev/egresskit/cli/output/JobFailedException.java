package dev.egresskit.cli.output;

/**
 * The job could not be done (a listener could not bind, a connection failed). Reported as one
 * message (no stack trace) with exit code {@link ExitCodes#JOB_FAILED}.
 */
public final class JobFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobFailedException(String message) {
    super(message);
  }

  public JobFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
