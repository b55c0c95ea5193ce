package dev.egresskit.embed.assembly;

/**
 * A setup value that cannot be used: a policy file that is missing or that no engine handles,
 * a cache implementation that does not exist, a plug-in folder without jars. The message names
 * the value and what is allowed, e.g. {@code policy.txt: no policy engine handles .txt
 * (supported: .js, .lua)}; a command line adds the option's name in front.
 */
public final class SetupException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** An exception with {@code message}. */
  public SetupException(String message) {
    super(message);
  }

  /** An exception with {@code message} caused by {@code cause}. */
  public SetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
