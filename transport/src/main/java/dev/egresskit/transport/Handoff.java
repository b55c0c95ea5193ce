package dev.egresskit.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
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
