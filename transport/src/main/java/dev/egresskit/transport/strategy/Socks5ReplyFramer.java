package dev.egresskit.transport.strategy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts the replies of a SOCKS5 exchange sent in one flight into one buffer per reply, so the
 * per-step decoders behind it each see exactly their own reply, in order, however the replies
 * were segmented. Bytes after the last expected reply (an SMTP banner sharing the segment) pass
 * through untouched. A reply it cannot size (an unknown address type) passes through whole, for
 * the decoder to reject with its usual error.
 */
final class Socks5ReplyFramer extends ByteToMessageDecoder {
  static final String NAME = "socks5-framer";

  /** The two-byte method and RFC 1929 replies, and the variable-length command reply. */
  enum Reply { METHOD, AUTH, COMMAND }

  private final List<Reply> expected;
  private int next;

  Socks5ReplyFramer(List<Reply> expected) {
    this.expected = List.copyOf(expected);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      if (next >= expected.size()) {
        out.add(in.readRetainedSlice(in.readableBytes()));
        return;
      }
      int length = expected.get(next) == Reply.COMMAND ? commandLength(in) : 2;
      if (length < 0) {
        return; // wait for more bytes
      }
      if (length == 0) {
        next = expected.size(); // unknown layout: everything goes on as it is
        continue;
      }
      if (in.readableBytes() < length) {
        return;
      }
      out.add(in.readRetainedSlice(length));
      next++;
    }
  }

  /** VER REP RSV ATYP ADDR PORT: the length, -1 when unknown yet, 0 when it cannot be sized. */
  private static int commandLength(ByteBuf in) {
    if (in.readableBytes() < 4) {
      return -1;
    }
    int type = in.getUnsignedByte(in.readerIndex() + 3);
    switch (type) {
      case 0x01: return 4 + 4 + 2;
      case 0x04: return 4 + 16 + 2;
      case 0x03:
        return in.readableBytes() < 5 ? -1 : 4 + 1 + in.getUnsignedByte(in.readerIndex() + 4) + 2;
      default: return 0;
    }
  }
}
