package dev.egresskit.core.model;

import java.util.Objects;

/**
 * RFC 1929 credentials for a SOCKS5 proxy. The password is a {@link Secret} and never printed.
 *
 * @param username the user name, sent in clear on the wire as RFC 1929 requires
 * @param password the password, inline or read from a file at handshake time
 */
public record Socks5Credentials(String username, Secret password) {
  public Socks5Credentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  @Override
  public String toString() {
    return "Socks5Credentials[username=" + username + ", password=" + password + "]";
  }
}
