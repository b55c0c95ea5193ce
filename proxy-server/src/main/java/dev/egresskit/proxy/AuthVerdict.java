package dev.egresskit.proxy;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link ProxyAuthenticator} decided about one attempt.
 *
 * <p>The per-connection log line shows the username of an accepted client. Of a refused one it
 * shows the username only when {@code knownUser} is true: a refused name that is not a known
 * user may be a password typed into the wrong field, so the line says {@code user=<unknown>}.
 *
 * @param accepted whether the client may go on to its requests
 * @param knownUser whether the username names a configured user (meaningful when refused)
 * @param identity who the client is, for the log line (accepted only; null: the username)
 * @param groups groups the identity belongs to, for the log line (grant nothing)
 */
public record AuthVerdict(boolean accepted, boolean knownUser, String identity, List<String> groups) {

  private static final AuthVerdict REFUSED_UNKNOWN = new AuthVerdict(false, false, null, List.of());
  private static final AuthVerdict REFUSED_KNOWN = new AuthVerdict(false, true, null, List.of());

  /**
   * Normalises the groups to an immutable list.
   *
   * @throws IllegalArgumentException if a refusal carries an identity or groups
   */
  public AuthVerdict {
    groups = List.copyOf(Objects.requireNonNull(groups, "groups"));
    if (!accepted && (identity != null || !groups.isEmpty())) {
      throw new IllegalArgumentException("a refusal has no identity or groups");
    }
  }

  /**
   * An accepted client known by its username.
   *
   * @return the verdict
   */
  public static AuthVerdict accept() {
    return new AuthVerdict(true, true, null, List.of());
  }

  /**
   * An accepted client with an identity and groups (as KumoProxy's {@code AuthInfo}).
   *
   * @param identity who the client is
   * @param groups the identity's groups
   * @return the verdict
   */
  public static AuthVerdict accept(String identity, List<String> groups) {
    return new AuthVerdict(true, true, Objects.requireNonNull(identity, "identity"), groups);
  }

  /**
   * A refusal.
   *
   * @param knownUser whether the username is a configured user (then the log line shows it)
   * @return the verdict
   */
  public static AuthVerdict refuse(boolean knownUser) {
    return knownUser ? REFUSED_KNOWN : REFUSED_UNKNOWN;
  }
}
