package dev.egresskit.transport.strategy;

import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.Route;
import dev.egresskit.transport.spi.ConnectStrategy;
import dev.egresskit.transport.spi.HandshakeContext;
import dev.egresskit.transport.spi.ProxyTarget;
import dev.egresskit.transport.spi.SourceAddressInfo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * HAProxy route (spec §2.4): after the TCP connect, write one PROXY v2 header (PROXY command,
 * STREAM, source {@code ha_proxy_source_address} port 0, destination and its port, no TLV) and
 * read nothing back.
 */
final class HaProxyStrategy implements ConnectStrategy {
  static final String ENCODER = "haproxy-encoder";

  private final Route.HaProxy route;

  HaProxyStrategy(Route.HaProxy route) {
    this.route = route;
  }

  @Override
  public String protocol() {
    return route.protocol();
  }

  @Override
  public Optional<ProxyTarget> proxy() {
    return Optional.of(new ProxyTarget("ha_proxy_server", route.server()));
  }

  @Override
  public Optional<String> checkDestination(EgressSource source, InetSocketAddress destination) {
    return Families.check(source, "ha_proxy_source_address", route.sourceAddress(), destination);
  }

  @Override
  public void startHandshake(Channel channel, HandshakeContext context) {
    channel.pipeline().addBefore(HandshakeContext.HANDOFF, ENCODER, HAProxyMessageEncoder.INSTANCE);
    context.enterPhase("writing the PROXY v2 header");
    channel.writeAndFlush(header(route.sourceAddress(), context.destination()))
        .addListener((ChannelFuture f) -> {
          if (!f.isSuccess()) {
            context.fail(FailureKind.PROXY_PROTOCOL_ERROR, "failed to perform proxy handshake with "
                + IpLiterals.format(context.transport()) + ": writing the PROXY v2 header failed: "
                + f.cause(), f.cause());
            return;
          }
          channel.pipeline().remove(ENCODER);
          context.succeed(new SourceAddressInfo(new InetSocketAddress(route.sourceAddress(), 0),
              protocol(), Optional.of(context.transport())));
        });
  }

  /** The v2 header: PROXY, TCP over the destination's family, source port 0. */
  static HAProxyMessage header(InetAddress source, InetSocketAddress destination) {
    HAProxyProxiedProtocol protocol = source instanceof Inet6Address
        ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4;
    return new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY, protocol,
        IpLiterals.format(source), IpLiterals.format(destination.getAddress()), 0,
        destination.getPort());
  }
}
