package dev.egresskit.proxy;

import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One RFC 1929 attempt as a {@link ProxyAuthenticator} sees it. {@code toString} never shows
 * the password.
 *
 * @param username the username the client sent
 * @param password the password the client sent (a secret: never log it)
 * @param client the client's address
 * @param local the proxy's address the client connected to
 */
public record AuthAttempt(
    String username, String password, InetSocketAddress client, InetSocketAddress local) {

  /**
   * Checks that every part is present.
   *
   * @throws NullPointerException if one is missing
   */
  public AuthAttempt {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(local, "local");
  }

  @Override
  public String toString() {
    return "AuthAttempt[client=" + NetUtil.toSocketAddressString(client)
        + ", local=" + NetUtil.toSocketAddressString(local) + ", password=<redacted>]";
  }
}
