package dev.egresskit.transport.strategy;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.Route;
import dev.egresskit.transport.spi.ConnectStrategy;
import dev.egresskit.transport.spi.HandshakeContext;
import dev.egresskit.transport.spi.ProxyTarget;
import dev.egresskit.transport.spi.SourceAddressInfo;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.Optional;

/** Direct route: the connector's bind + connect is the whole job; no handshake. */
final class DirectStrategy implements ConnectStrategy {
  private final Route.Direct route;

  DirectStrategy(Route.Direct route) {
    this.route = route;
  }

  @Override
  public String protocol() {
    return route.protocol();
  }

  @Override
  public Optional<ProxyTarget> proxy() {
    return Optional.empty();
  }

  /** KumoMTA would fail later at connect(2); saying why up front is clearer. */
  @Override
  public Optional<String> checkDestination(EgressSource source, InetSocketAddress destination) {
    return route.bindAddress().flatMap(
        bind -> Families.check(source, "source_address", bind, destination));
  }

  @Override
  public void startHandshake(Channel channel, HandshakeContext context) {
    context.succeed(new SourceAddressInfo(
        (InetSocketAddress) channel.localAddress(), protocol(), Optional.empty()));
  }
}
