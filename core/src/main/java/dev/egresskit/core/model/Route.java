package dev.egresskit.core.model;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * How connections from a source are made. Decided once, at validation time, so that a half
 * configured proxy can never silently become a direct connection.
 */
public sealed interface Route permits Route.Direct, Route.HaProxy, Route.Socks5 {

  /** The local address to bind before connecting ({@code source_address}), if any. */
  Optional<InetAddress> bindAddress();

  /** A short protocol label: {@code direct}, {@code haproxy} or {@code socks5}. */
  String protocol();

  /**
   * Connect straight to the destination.
   *
   * @param bindAddress local address to bind ({@code source_address}); kernel's choice if empty
   */
  record Direct(Optional<InetAddress> bindAddress) implements Route {
    public Direct {
      Objects.requireNonNull(bindAddress, "bindAddress");
    }

    @Override
    public String protocol() {
      return "direct";
    }
  }

  /**
   * Connect to an HAProxy instance and send a PROXY v2 header naming {@code sourceAddress} as
   * the source the proxy should use toward the destination.
   *
   * @param server        {@code ha_proxy_server}
   * @param sourceAddress {@code ha_proxy_source_address}, written into the PROXY header
   * @param bindAddress   {@code source_address}, the local address used to reach the proxy
   */
  record HaProxy(ProxyServer server, InetAddress sourceAddress, Optional<InetAddress> bindAddress)
      implements Route {
    public HaProxy {
      Objects.requireNonNull(server, "server");
      Objects.requireNonNull(sourceAddress, "sourceAddress");
      Objects.requireNonNull(bindAddress, "bindAddress");
    }

    @Override
    public String protocol() {
      return "haproxy";
    }
  }

  /**
   * Connect through a SOCKS5 proxy. With a {@code sourceAddress}, KumoProxy's dialect is used
   * (BIND the source address, then CONNECT on the same connection); without one, a plain RFC
   * 1928 CONNECT lets the proxy pick its own egress address.
   *
   * @param server        {@code socks5_proxy_server}
   * @param sourceAddress {@code socks5_proxy_source_address}
   * @param credentials   RFC 1929 username and password, when both are configured
   * @param bindAddress   {@code source_address}, the local address used to reach the proxy
   * @param tls           {@code socks5_proxy_tls} (and {@code socks5_proxy_tls_ca}): TLS to the
   *                      proxy before the SOCKS5 greeting; empty for plain TCP (KumoMTA's only
   *                      form)
   */
  record Socks5(
      ProxyServer server,
      Optional<InetAddress> sourceAddress,
      Optional<Socks5Credentials> credentials,
      Optional<InetAddress> bindAddress,
      Optional<Socks5Tls> tls)
      implements Route {
    public Socks5 {
      Objects.requireNonNull(server, "server");
      Objects.requireNonNull(sourceAddress, "sourceAddress");
      Objects.requireNonNull(credentials, "credentials");
      Objects.requireNonNull(bindAddress, "bindAddress");
      Objects.requireNonNull(tls, "tls");
    }

    /** A SOCKS5 route over plain TCP, as KumoMTA makes it. */
    public Socks5(ProxyServer server, Optional<InetAddress> sourceAddress,
        Optional<Socks5Credentials> credentials, Optional<InetAddress> bindAddress) {
      this(server, sourceAddress, credentials, bindAddress, Optional.empty());
    }

    @Override
    public String protocol() {
      return "socks5";
    }
  }
}
