package dev.egresskit.examples;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.Route;
import dev.egresskit.transport.spi.ConnectStrategy;
import dev.egresskit.transport.spi.HandshakeContext;
import dev.egresskit.transport.spi.ProxyTarget;
import dev.egresskit.transport.spi.SourceAddressInfo;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Writes one PROXY v1 header and hands the channel over; like v2, nothing is read back. The
 * header's source port is the local port of the connection to the proxy: v1 has no "unknown
 * port", and that value is unique per connection, unlike the 0 that KumoMTA's v2 header sends.
 */
final class ProxyV1Strategy implements ConnectStrategy {
  private final Route.HaProxy route;

  ProxyV1Strategy(Route.HaProxy route) {
    this.route = route;
  }

  @Override
  public String protocol() {
    return "haproxy-v1";
  }

  @Override
  public Optional<ProxyTarget> proxy() {
    return Optional.of(new ProxyTarget("ha_proxy_server", route.server()));
  }

  @Override
  public Optional<String> checkDestination(EgressSource source, InetSocketAddress destination) {
    InetAddress from = route.sourceAddress();
    if ((from instanceof Inet4Address) != (destination.getAddress() instanceof Inet4Address)) {
      return Optional.of("Skipping " + source.name() + " because ha_proxy_source_address "
          + from.getHostAddress() + " address family does not match the destination address"
          + " family " + destination);
    }
    return Optional.empty();
  }

  @Override
  public void startHandshake(Channel channel, HandshakeContext context) {
    InetSocketAddress destination = context.destination();
    int sourcePort = ((InetSocketAddress) channel.localAddress()).getPort();
    String header = "PROXY " + (destination.getAddress() instanceof Inet4Address ? "TCP4" : "TCP6")
        + " " + route.sourceAddress().getHostAddress()
        + " " + destination.getAddress().getHostAddress()
        + " " + sourcePort + " " + destination.getPort() + "\r\n";
    context.enterPhase("writing the PROXY v1 header");
    channel.writeAndFlush(Unpooled.copiedBuffer(header, StandardCharsets.US_ASCII))
        .addListener(done -> {
          if (done.isSuccess()) {
            context.succeed(new SourceAddressInfo(
                new InetSocketAddress(route.sourceAddress(), sourcePort), protocol(),
                Optional.of(context.transport())));
          } else {
            context.fail(FailureKind.PROXY_PROTOCOL_ERROR,
                "failed to write the PROXY v1 header to " + context.transport(), done.cause());
          }
        });
  }
}
