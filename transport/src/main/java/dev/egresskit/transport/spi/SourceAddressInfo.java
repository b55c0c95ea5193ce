package dev.egresskit.transport.spi;

import dev.egresskit.core.grammar.IpLiterals;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * The source address the destination sees, as far as the route can tell (KumoMTA's {@code
 * MaybeProxiedSourceAddress}): the local socket address for a direct connection, {@code
 * ha_proxy_source_address:0} for HAProxy, and the proxy's CONNECT reply address for SOCKS5.
 *
 * @param address  the source address (and port) the destination sees
 * @param protocol {@code direct}, {@code haproxy}, {@code socks5}, or a plug-in's label
 * @param server   the proxy candidate actually used; empty for a direct connection
 */
public record SourceAddressInfo(
    InetSocketAddress address, String protocol, Optional<InetSocketAddress> server) {
  public SourceAddressInfo {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(server, "server");
  }

  @Override
  public String toString() {
    return IpLiterals.format(address) + " (" + protocol
        + server.map(s -> " via " + IpLiterals.format(s)).orElse("") + ")";
  }
}
