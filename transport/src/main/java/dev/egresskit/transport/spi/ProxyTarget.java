package dev.egresskit.transport.spi;

import dev.egresskit.core.model.ProxyServer;
import java.util.Objects;

/**
 * The proxy a strategy connects to, with the policy field it came from (used in error text).
 *
 * @param field  the policy field, e.g. {@code ha_proxy_server} or {@code socks5_proxy_server}
 * @param server the configured server: an IP literal, or a host name resolved at connect time
 */
public record ProxyTarget(String field, ProxyServer server) {
  public ProxyTarget {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(server, "server");
  }
}
