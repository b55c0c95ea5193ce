package dev.egresskit.core.grammar;

import dev.egresskit.core.model.ProxyServer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * The proxy-server grammar of {@code ha_proxy_server} and {@code socks5_proxy_server} (KumoMTA's
 * {@code ResolvableSocketAddr}, spec §1.1). Forms are tried in KumoMTA's order:
 * <ol>
 *   <li>{@code [ip]:port} where the inside is an IPv4 or IPv6 literal (so {@code [10.0.0.1]:25}
 *       is IPv4);</li>
 *   <li>a standard socket address, {@code a.b.c.d:port} or {@code [v6]:port} (a numeric zone id,
 *       {@code [fe80::1%2]:25}, is accepted here as Rust accepts it);</li>
 *   <li>an absolute path, which KumoMTA accepts as a Unix-domain socket and then fails to connect
 *       to. <b>EgressKit deviation:</b> it is rejected at parse time with a message saying
 *       Unix-domain proxy servers are not supported;</li>
 *   <li>{@code host:port}, split at the <em>last</em> colon, the host checked like hickory's
 *       relaxed name parsing and kept verbatim for connect-time resolution. A numeric-looking
 *       {@code 300.1.1.1:25} is therefore a host name, and an unbracketed {@code ::1:1080} fails
 *       with {@code invalid hostname "::1": Malformed label: ::1}.</li>
 * </ol>
 * Ports are 0..65535. When every form fails, the message is KumoMTA's:
 * {@code failed to parse "<s>" as a resolvable socket address: not an IP socket (...); not a unix
 * socket path (...); not host:port (...)}.
 */
public final class ProxyServers {
  private ProxyServers() {}

  /**
   * Parses a proxy server.
   *
   * @throws IllegalArgumentException with KumoMTA's combined message, or the Unix-path message
   */
  public static ProxyServer parse(String text) {
    Objects.requireNonNull(text, "text");
    ProxyServer bracketed = bracketForm(text);
    if (bracketed != null) {
      return bracketed;
    }
    ProxyServer socket = socketAddress(text);
    if (socket != null) {
      return socket;
    }
    if (text.startsWith("/")) {
      throw new IllegalArgumentException(RustText.debug(text)
          + " is a Unix-domain socket path; EgressKit does not support Unix-domain proxy servers"
          + " (KumoMTA accepts the path and then fails at connect time)");
    }
    int colon = text.lastIndexOf(':');
    String hostError;
    if (colon < 0) {
      hostError = "missing :port suffix";
    } else {
      String host = text.substring(0, colon);
      String portText = text.substring(colon + 1);
      long port;
      try {
        port = RustText.parseUnsigned(portText, 65535);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 0) {
        hostError = "invalid port " + RustText.debug(portText);
      } else if (host.isEmpty()) {
        hostError = "invalid hostname \"\": hostname is empty";
      } else {
        String reason = HostNames.check(host);
        if (reason == null) {
          return new ProxyServer.HostName(host, (int) port);
        }
        hostError = "invalid hostname " + RustText.debug(host) + ": " + reason;
      }
    }
    throw new IllegalArgumentException("failed to parse " + RustText.debug(text)
        + " as a resolvable socket address: not an IP socket (invalid socket address syntax);"
        + " not a unix socket path (unix domain path must be absolute); not host:port ("
        + hostError + ")");
  }

  /**
   * KumoMTA's display form: {@code a.b.c.d:p}, {@code [v6]:p} (RFC 5952 text, with
   * {@code %scope} when a zone id was given) or {@code host:p}. {@code parse(format(s))} equals
   * {@code s}.
   */
  public static String format(ProxyServer server) {
    if (server instanceof ProxyServer.IpLiteral literal) {
      InetAddress address = literal.address();
      if (address instanceof Inet6Address v6) {
        String scope = v6.getScopeId() > 0 ? "%" + v6.getScopeId() : "";
        return "[" + IpLiterals.format(v6) + scope + "]:" + literal.port();
      }
      return IpLiterals.format(address) + ":" + literal.port();
    }
    return server.toString();
  }

  private static ProxyServer bracketForm(String text) {
    if (!text.startsWith("[")) {
      return null;
    }
    int end = text.indexOf(']');
    if (end < 0 || !text.startsWith("]:", end)) {
      return null;
    }
    long port;
    try {
      port = RustText.parseUnsigned(text.substring(end + 2), 65535);
    } catch (NumberFormatException e) {
      return null;
    }
    byte[] bytes = IpLiterals.parseBytes(text.substring(1, end));
    return bytes == null ? null
        : new ProxyServer.IpLiteral(IpLiterals.toAddress(bytes, 0), (int) port);
  }

  /** Rust's {@code SocketAddr::from_str}: {@code a.b.c.d:port} or {@code [v6[%scope]]:port}. */
  private static ProxyServer socketAddress(String text) {
    IpLiterals.Cursor c = new IpLiterals.Cursor(text);
    byte[] v4 = c.readIpv4();
    if (v4 != null && c.readGiven(':')) {
      long port = c.readNumber(10, 0, true, 65535);
      if (port >= 0 && c.atEnd()) {
        return new ProxyServer.IpLiteral(IpLiterals.toAddress(v4, 0), (int) port);
      }
    }
    c.pos = 0;
    if (!c.readGiven('[')) {
      return null;
    }
    byte[] v6 = c.readIpv6();
    if (v6 == null) {
      return null;
    }
    long scope = 0;
    if (c.readGiven('%')) {
      scope = c.readNumber(10, 0, true, 0xFFFF_FFFFL);
      // Java keeps zone ids as a signed int; larger ones cannot be represented.
      if (scope < 0 || scope > Integer.MAX_VALUE) {
        return null;
      }
    }
    if (!c.readGiven(']') || !c.readGiven(':')) {
      return null;
    }
    long port = c.readNumber(10, 0, true, 65535);
    if (port < 0 || !c.atEnd()) {
      return null;
    }
    return new ProxyServer.IpLiteral(IpLiterals.toAddress(v6, (int) scope), (int) port);
  }
}
