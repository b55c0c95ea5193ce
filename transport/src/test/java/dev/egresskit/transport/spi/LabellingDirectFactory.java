package dev.egresskit.transport.spi;

import dev.egresskit.core.model.Route;
import dev.egresskit.transport.strategy.DirectStrategyFactory;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * A test plug-in that replaces the direct route's strategy: it connects like the built-in one but
 * labels the protocol {@code direct-plugin} and proves it can run its own handshake step (it waits
 * for one byte, {@code '+'}, from the server before reporting success).
 */
public final class LabellingDirectFactory implements ConnectStrategyFactory {
  @Override
  public Class<? extends Route> routeType() {
    return Route.Direct.class;
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public ConnectStrategy create(Route route) {
    ConnectStrategy builtIn = new DirectStrategyFactory().create(route);
    return new ConnectStrategy() {
      @Override
      public String protocol() {
        return "direct-plugin";
      }

      @Override
      public Optional<ProxyTarget> proxy() {
        return builtIn.proxy();
      }

      @Override
      public void startHandshake(Channel channel, HandshakeContext context) {
        context.enterPhase("waiting for the plug-in's '+'");
        channel.pipeline().addBefore(HandshakeContext.HANDOFF, "plugin",
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                io.netty.buffer.ByteBuf buf = (io.netty.buffer.ByteBuf) msg;
                boolean plus = buf.readableBytes() > 0 && buf.readByte() == '+';
                buf.release();
                ctx.pipeline().remove(this);
                if (plus) {
                  context.succeed(new SourceAddressInfo(
                      (InetSocketAddress) channel.localAddress(), protocol(), Optional.empty()));
                } else {
                  context.fail(dev.egresskit.core.health.FailureKind.PROXY_PROTOCOL_ERROR,
                      "expected '+'", null);
                }
              }
            });
      }
    };
  }
}
