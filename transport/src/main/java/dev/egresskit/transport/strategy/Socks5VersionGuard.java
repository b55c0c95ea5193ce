package dev.egresskit.transport.strategy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.IntFunction;

/**
 * Checks the first byte of each SOCKS5 reply before Netty's decoder sees it. Netty's decoders
 * report a wrong version only as decimal text inside a {@code DecoderException}; the spec's
 * errors quote the byte (e.g. {@code invalid SOCKS version 04, expected 05}). Each reply reaches it
 * alone (solicited one at a time, or cut apart by {@link Socks5ReplyFramer}), so the first byte
 * after {@link #expect} is the reply's version byte.
 */
final class Socks5VersionGuard extends ChannelInboundHandlerAdapter {
  private int expected = -1;
  private IntFunction<String> error;

  /** Arms the check for the next reply. */
  void expect(int version, IntFunction<String> errorText) {
    this.expected = version;
    this.error = errorText;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (expected >= 0 && msg instanceof ByteBuf buf && buf.isReadable()) {
      int actual = buf.getUnsignedByte(buf.readerIndex());
      int wanted = expected;
      expected = -1;
      if (actual != wanted) {
        buf.release();
        ctx.fireExceptionCaught(new Socks5ProtocolException(error.apply(actual)));
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }
}
