package dev.egresskit.proxy;

/**
 * Decides RFC 1929 username/password attempts: the one authentication path of the proxy. The
 * server calls it through a fair, bounded queue (see {@link AuthLimits}): checks of clients that
 * have gone away are dropped, each client address may have only a few checks pending, and an
 * address that keeps failing is refused for a while without a check. So an implementation may
 * be slow (PBKDF2, a policy script, a directory lookup) without letting one client delay others.
 *
 * <p>{@link ProxyCredentials} (a users file) is the built-in implementation; a scripted one (a
 * policy's {@code proxy_server_auth_rfc1929} event) fills the same interface.
 */
public interface ProxyAuthenticator {

  /**
   * Decides one attempt. Called on one of the server's authentication threads, never on an
   * event loop, so it may block; it should finish well within the auth timeout. An exception
   * refuses the client, like a refusal, and its message is logged (never the password).
   *
   * @param attempt what the client sent, and from where
   * @return the verdict
   * @throws Exception when the check itself fails
   */
  AuthVerdict authenticate(AuthAttempt attempt) throws Exception;

  /**
   * A verdict that costs next to nothing (for example a password that passed a full check a
   * moment ago), or null to queue the full {@link #authenticate} check. Called on the event
   * loop, after the failure rate limit: it must not block. The default queues every attempt.
   *
   * @param attempt what the client sent, and from where
   * @return the verdict, or null
   */
  default AuthVerdict quickVerdict(AuthAttempt attempt) {
    return null;
  }
}
