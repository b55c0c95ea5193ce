package dev.egresskit.redispolicy;

import dev.egresskit.core.model.Secret;
import dev.egresskit.core.text.UrlCredentials;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * One Redis URL of {@code node}, in the form KumoMTA documents:
 * {@code redis://[<username>][:<password>@]<hostname>[:port][/[<db>][?protocol=<protocol>]]},
 * or {@code rediss://} for TLS ({@code #insecure} skips certificate verification, as in
 * redis-rs). {@link #toString()} and {@link #display()} never show the password.
 *
 * @param tls      {@code rediss://}
 * @param insecure TLS without certificate verification ({@code #insecure})
 * @param host     host name or IP address (IPv6 without brackets)
 * @param port     port, 6379 when absent
 * @param database database number, 0 when absent
 * @param username the URL's user name, if any
 * @param password the URL's password, if any
 * @param resp3    {@code ?protocol=resp3}; RESP2 (KumoMTA's default) otherwise
 */
record RedisNode(boolean tls, boolean insecure, String host, int port, int database,
    Optional<String> username, Optional<Secret.Inline> password, boolean resp3) {
  /** The form named in errors. */
  static final String FORM = "redis://[<username>][:<password>@]<hostname>[:port][/<db>]"
      + "[?protocol=resp2|resp3] (rediss:// for TLS)";
  static final int DEFAULT_PORT = 6379;

  RedisNode {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException saying what is wrong and the allowed form; the text is
   *     quoted with its credentials redacted
   */
  static RedisNode parse(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw bad(text, "it is not a URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("redis") || scheme.equals("rediss"))) {
      throw bad(text, scheme == null ? "it has no scheme"
          : "the scheme '" + scheme + "' is not supported");
    }
    if (uri.getHost() == null) {
      throw bad(text, "it has no host name (or the host or port is not valid)");
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
    if (port == 0 || port > 65535) {
      throw bad(text, "the port " + port + " is out of range (1-65535)");
    }
    Optional<String> username = Optional.empty();
    Optional<Secret.Inline> password = Optional.empty();
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      if (!user.isEmpty()) {
        username = Optional.of(user);
      }
      if (colon >= 0) {
        password = Optional.of(new Secret.Inline(decode(userInfo.substring(colon + 1))));
      }
    }
    int database = 0;
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (!path.isEmpty() && !path.equals("/")) {
      String db = path.substring(1);
      if (!db.matches("[0-9]{1,9}")) {
        throw bad(text, "the database '" + db + "' is not a number");
      }
      database = Integer.parseInt(db);
    }
    boolean resp3 = false;
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        if (!key.equals("protocol")) {
          throw bad(text, "the query parameter '" + key + "' is not supported (allowed:"
              + " protocol)");
        }
        switch (value) {
          case "resp2", "2" -> resp3 = false;
          case "resp3", "3" -> resp3 = true;
          default -> throw bad(text, "protocol '" + value + "' is not supported (allowed:"
              + " resp2, resp3)");
        }
      }
    }
    boolean insecure = false;
    if (uri.getRawFragment() != null) {
      if (!uri.getRawFragment().equals("insecure") || !scheme.equals("rediss")) {
        throw bad(text, "the fragment '#" + uri.getRawFragment() + "' is not supported"
            + " (allowed: #insecure after rediss://)");
      }
      insecure = true;
    }
    return new RedisNode(scheme.equals("rediss"), insecure, host, port, database, username,
        password, resp3);
  }

  /** The URL without credentials: {@code redis://127.0.0.1:6379/0}. */
  String display() {
    String shownHost = host.contains(":") ? "[" + host + "]" : host;
    return (tls ? "rediss://" : "redis://") + username.map(u -> u + "@").orElse("") + shownHost
        + ":" + port + (database == 0 ? "" : "/" + database);
  }

  @Override
  public String toString() {
    return display();
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException("'" + UrlCredentials.redact(text) + "' is not a usable redis URL: "
        + why + "; allowed form: " + FORM);
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
