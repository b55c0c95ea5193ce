package dev.egresskit.interop;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * PROXY protocol v2 headers encoded by Netty's {@link HAProxyMessageEncoder}, independent of
 * EgressKit's transport, for the harness's control experiments against HAProxy.
 */
final class ProxyHeaders {
  private ProxyHeaders() {}

  /** The bytes of a v2 {@code PROXY} header for a TCP stream from {@code source} to {@code destination}. */
  static byte[] v2(InetSocketAddress source, InetSocketAddress destination) {
    HAProxyProxiedProtocol protocol = source.getAddress() instanceof Inet6Address
        ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4;
    HAProxyMessage message = new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY,
        protocol, source.getAddress().getHostAddress(), destination.getAddress().getHostAddress(),
        source.getPort(), destination.getPort());
    EmbeddedChannel channel = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
    try {
      channel.writeOutbound(message);
      ByteBuf encoded = channel.readOutbound();
      try {
        byte[] bytes = new byte[encoded.readableBytes()];
        encoded.readBytes(bytes);
        return bytes;
      } finally {
        encoded.release();
      }
    } finally {
      channel.finishAndReleaseAll();
    }
  }
}
