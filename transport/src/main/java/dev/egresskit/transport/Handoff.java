package dev.egresskit.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The last handler of every connection's pipeline until the caller attaches its own. During the
 * handshake it turns an early close or an unhandled exception into a failed attempt; afterwards
 * it holds any bytes that arrived with the handshake's last reply (an SMTP banner can share a
 * segment with a SOCKS5 CONNECT reply) and replays them, in order, to the handlers attached after
 * it, so nothing is lost between the handshake and the caller.
 */
final class Handoff extends ChannelInboundHandlerAdapter {

  /** Receives what happens before the handshake has finished. */
  interface Listener {
    void closedDuringHandshake();

    void exceptionDuringHandshake(Throwable cause);
  }

  private final Listener listener;
  private final ArrayDeque<Object> pending = new ArrayDeque<>();
  private boolean handshakeDone;
  private boolean attached;
  private boolean inactive;
  private Throwable failure;

  Handoff(Listener listener) {
    this.listener = listener;
  }

  /** Called on the event loop when the handshake succeeded. */
  void handshakeDone() {
    handshakeDone = true;
  }

  /** Called on the event loop just before the handler is removed to hand over to {@code next}. */
  void markAttached() {
    attached = true;
  }

  boolean isAttached() {
    return attached;
  }

  /** Whether the peer closed the connection or it failed after the handshake. */
  boolean failedOrClosed() {
    return inactive || failure != null;
  }

  /**
   * Removes and returns the bytes held since the handshake (for a caller that takes the channel
   * out of Netty instead of attaching handlers); called on the event loop.
   */
  ByteBuffer takeReceived() {
    int size = 0;
    for (Object msg : pending) {
      size += msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    for (Object msg; (msg = pending.poll()) != null; ) {
      if (msg instanceof ByteBuf buf) {
        buf.readBytes(out);
      }
      ReferenceCountUtil.release(msg);
    }
    return out.flip();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    pending.add(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Swallowed: replayed together with the messages on attach.
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    inactive = true;
    if (!handshakeDone) {
      listener.closedDuringHandshake();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!handshakeDone) {
      listener.exceptionDuringHandshake(cause);
    } else if (failure == null) {
      failure = cause;
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (!attached) {
      release();
      return;
    }
    // ctx still links to the handlers that were added after this one.
    boolean any = !pending.isEmpty();
    for (Object msg; (msg = pending.poll()) != null; ) {
      ctx.fireChannelRead(msg);
    }
    if (any) {
      ctx.fireChannelReadComplete();
    }
    if (failure != null) {
      ctx.fireExceptionCaught(failure);
    }
    if (inactive) {
      ctx.fireChannelInactive();
    }
  }

  private void release() {
    for (Object msg; (msg = pending.poll()) != null; ) {
      ReferenceCountUtil.release(msg);
    }
  }
}
