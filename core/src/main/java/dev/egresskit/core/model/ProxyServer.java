package dev.egresskit.core.model;

import dev.egresskit.core.grammar.ProxyServers;
import java.net.InetAddress;
import java.util.Objects;

/**
 * A proxy address as written in a policy ({@code ha_proxy_server}, {@code socks5_proxy_server}):
 * either an IP literal with a port, or a host name kept verbatim and resolved at connect time.
 * {@code toString()} prints the KumoMTA display form: {@code a.b.c.d:p}, {@code [v6]:p} or
 * {@code host:p}.
 */
public sealed interface ProxyServer permits ProxyServer.IpLiteral, ProxyServer.HostName {

  /** The port to connect to on the proxy. */
  int port();

  /**
   * An IP literal and port.
   *
   * @param address the proxy's IP address
   * @param port    the proxy's port, 0..65535
   */
  record IpLiteral(InetAddress address, int port) implements ProxyServer {
    public IpLiteral {
      Objects.requireNonNull(address, "address");
      checkPort(port);
    }

    /** The display form, {@code a.b.c.d:p} or {@code [v6]:p} with IPv6 in its short form. */
    @Override
    public String toString() {
      return ProxyServers.format(this);
    }
  }

  /**
   * A DNS name and port, resolved at connect time (A records first, then AAAA).
   *
   * @param host the host name, verbatim
   * @param port the proxy's port, 0..65535
   */
  record HostName(String host, int port) implements ProxyServer {
    public HostName {
      Objects.requireNonNull(host, "host");
      if (host.isEmpty()) {
        throw new IllegalArgumentException("host must not be empty");
      }
      checkPort(port);
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  private static void checkPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535: " + port);
    }
  }
}
