package dev.egresskit.transport.strategy;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.Route;
import dev.egresskit.transport.spi.ConnectStrategy;
import dev.egresskit.transport.spi.HandshakeContext;
import dev.egresskit.transport.spi.ProxyTarget;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * SOCKS5 route (spec §2.5); the exchange itself is {@link Socks5Handshake}, preceded by
 * {@link Socks5TlsStep} when the source asks for TLS to the proxy.
 */
final class Socks5Strategy implements ConnectStrategy {
  private final Route.Socks5 route;

  Socks5Strategy(Route.Socks5 route) {
    this.route = route;
  }

  @Override
  public String protocol() {
    return route.protocol();
  }

  @Override
  public Optional<ProxyTarget> proxy() {
    return Optional.of(new ProxyTarget("socks5_proxy_server", route.server()));
  }

  @Override
  public Optional<String> checkDestination(EgressSource source, InetSocketAddress destination) {
    return route.sourceAddress().flatMap(
        src -> Families.check(source, "socks5_proxy_source_address", src, destination));
  }

  @Override
  public void startHandshake(Channel channel, HandshakeContext context) {
    if (route.tls().isPresent()) {
      Socks5TlsStep.install(channel, context, route.server(), route.tls().get(),
          () -> Socks5Handshake.install(channel, context, route));
    } else {
      Socks5Handshake.install(channel, context, route);
    }
  }
}
