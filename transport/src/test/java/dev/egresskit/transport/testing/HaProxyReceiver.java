package dev.egresskit.transport.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A loopback server that decodes one PROXY header per connection with Netty's {@link
 * HAProxyMessageDecoder} and records it (as plain values: the message is reference counted).
 */
public final class HaProxyReceiver implements AutoCloseable {
  /** What the header said. */
  public record Header(String version, String command, String protocol, String sourceAddress,
      int sourcePort, String destinationAddress, int destinationPort) {}

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;
  private final CompletableFuture<Header> first = new CompletableFuture<>();

  public HaProxyReceiver() throws InterruptedException {
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HAProxyMessageDecoder(),
                new SimpleChannelInboundHandler<HAProxyMessage>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, HAProxyMessage m) {
                    first.complete(new Header(m.protocolVersion().name(), m.command().name(),
                        m.proxiedProtocol().name(), m.sourceAddress(), m.sourcePort(),
                        m.destinationAddress(), m.destinationPort()));
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    first.completeExceptionally(cause);
                    ctx.close();
                  }
                });
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** The first decoded header. */
  public CompletableFuture<Header> firstHeader() {
    return first;
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }
}
