package dev.egresskit.cli.output;

/** The exit codes every command uses, as documented in {@code --help}. */
public final class ExitCodes {
  /** The command did what was asked. */
  public static final int OK = 0;
  /** The job failed: a connection, probe or demo route did not deliver what was expected. */
  public static final int JOB_FAILED = 1;
  /** Bad usage (unknown option, malformed argument) or a bad policy (load or validation error). */
  public static final int BAD_INPUT = 2;


  private ExitCodes() {}
}
