package dev.egresskit.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;

/**
 * The echo of the tests' loopback echo servers (channels with {@code ALLOW_HALF_CLOSURE}):
 * writes back what it reads, flushes once per read burst, and when the client half-closes,
 * flushes the rest, half-closes too and closes, so the client reads every byte and then EOF.
 * Public for the robustness tests' recording echo server.
 */
public class HalfClosingEcho extends ChannelInboundHandlerAdapter {

  /** Sees each buffer before it is echoed (the buffer is not consumed). */
  protected void received(ByteBuf buf) {}

  /** The client half-closed; called before the echo half-closes back. */
  protected void inputShutdown() {}

  @Override
  public final void channelRead(ChannelHandlerContext ctx, Object msg) {
    received((ByteBuf) msg);
    ctx.write(msg);
  }

  @Override
  public final void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public final void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      inputShutdown();
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER)
          .addListener(f -> ((DuplexChannel) ctx.channel()).shutdownOutput()
              .addListener(g -> ctx.close()));
    }
  }

  @Override
  public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
