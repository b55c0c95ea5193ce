package dev.egresskit.sink;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The addresses a PROXY protocol header announced.
 *
 * @param version     1 (text) or 2 (binary)
 * @param source      the client address the proxy speaks for
 * @param destination the destination address the client asked for
 */
public record ProxyHeader(int version, InetSocketAddress source, InetSocketAddress destination) {
  public ProxyHeader {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
  }
}
