package dev.egresskit.transport;

import dev.egresskit.core.health.FailureKind;
import java.net.ConnectException;
import java.util.Objects;

/**
 * The one exception for every failed connection or SMTP probe. {@link #kind()} is what programs
 * switch on; the message is for people and always reads {@code "<protocol>, <proxy> =>
 * <destination>: <reason>"}, e.g. {@code "socks5, 127.0.0.1:1080 => 127.0.0.1:25: SOCKS5
 * username/password was incorrect"}. When several proxy candidates were tried, each candidate's
 * own exception is attached with {@link #addSuppressed}. No message ever contains a password.
 */
public final class EgressConnectException extends ConnectException {
  private static final long serialVersionUID = 1L;

  private final FailureKind kind;
  private final String protocol;
  private final String proxy;
  private final String destination;
  private final String reason;

  EgressConnectException(
      FailureKind kind, String protocol, String proxy, String destination, String reason,
      Throwable cause) {
    super(protocol + ", " + proxy + " => " + destination + ": " + reason);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.protocol = protocol;
    this.proxy = proxy;
    this.destination = destination;
    this.reason = reason;
    if (cause != null) {
      initCause(cause);
    }
  }

  /** The machine-readable failure class. */
  public FailureKind kind() {
    return kind;
  }

  /** The route's protocol label: {@code direct}, {@code haproxy}, {@code socks5}, .... */
  public String protocol() {
    return protocol;
  }

  /** The configured proxy server, or {@code "no proxy"} for a direct route. */
  public String proxy() {
    return proxy;
  }

  /** The destination as {@code ip:port}. */
  public String destination() {
    return destination;
  }

  /** The reason alone, without the protocol/proxy/destination prefix. */
  public String reason() {
    return reason;
  }
}
