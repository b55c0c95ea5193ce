package dev.egresskit.core.policy;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.grammar.IpLiterals;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * One SOCKS5 listener as {@code proxy.start_proxy_listener{...}} describes it, with KumoMTA's
 * defaults filled in. The flag form of {@code egresskit proxy} builds the same value.
 *
 * @param listen where to listen
 * @param hostname the name a generated self-signed certificate is made for
 * @param timeout KumoProxy's handshake timeout (default 60 s): bounds the greeting, the
 *     authentication exchange, each request and the dial
 * @param useSplice whether relays may use {@code splice(2)} (default true; never with TLS)
 * @param useTls whether clients must speak TLS
 * @param requireAuth whether a client must authenticate with RFC 1929
 * @param tls the certificate and key, or null to generate a self-signed one (with TLS)
 * @param tcpKeepalive keepalive for client and outbound sockets
 * @param where the {@code start_proxy_listener} call, or null for the flag form
 */
public record ProxyListenerSpec(
    InetSocketAddress listen,
    String hostname,
    Duration timeout,
    boolean useSplice,
    boolean useTls,
    boolean requireAuth,
    TlsIdentity tls,
    TcpKeepalive tcpKeepalive,
    ScriptLocation where) {

  /** KumoProxy's default {@code timeout}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** Checks that the required parts are present. */
  public ProxyListenerSpec {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(tcpKeepalive, "tcpKeepalive");
  }

  /**
   * A listener with every other field at KumoMTA's default.
   *
   * @param listen where to listen
   * @return the spec
   */
  public static ProxyListenerSpec defaults(InetSocketAddress listen) {
    return new ProxyListenerSpec(listen, systemHostname(), DEFAULT_TIMEOUT,
        true, false, false, null, TcpKeepalive.DEFAULTS, null);
  }

  private static volatile String machineHostname;

  /**
   * The machine's host name (KumoProxy's default {@code hostname}): {@code $HOSTNAME}, else the
   * JDK's local host name, looked up once.
   *
   * @return the host name
   */
  public static String systemHostname() {
    String known = machineHostname;
    if (known == null) {
      String env = System.getenv("HOSTNAME");
      try {
        known = env != null && !env.isBlank() ? env
            : java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        known = "localhost";
      }
      machineHostname = known;
    }
    return known;
  }

  /**
   * A copy with another {@code require_auth}.
   *
   * @param value the new value
   * @return the copy
   */
  public ProxyListenerSpec withRequireAuth(boolean value) {
    return new ProxyListenerSpec(listen, hostname, timeout, useSplice, useTls, value, tls,
        tcpKeepalive, where);
  }

  /**
   * A copy with another {@code use_splice}.
   *
   * @param value the new value
   * @return the copy
   */
  public ProxyListenerSpec withUseSplice(boolean value) {
    return new ProxyListenerSpec(listen, hostname, timeout, value, useTls, requireAuth, tls,
        tcpKeepalive, where);
  }

  /** What the start log and status page show (never key material). */
  @Override
  public String toString() {
    return "listen=" + IpLiterals.format(listen) + " timeout=" + Durations.format(timeout)
        + " tls=" + (useTls ? (tls == null ? "self-signed for " + hostname : tls.origin()) : "off")
        + " require_auth=" + requireAuth + " use_splice=" + useSplice + " " + tcpKeepalive;
  }
}
