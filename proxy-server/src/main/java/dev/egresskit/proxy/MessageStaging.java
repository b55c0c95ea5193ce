package dev.egresskit.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * The bytes a client has sent that the handshake has not consumed yet: the start of a message
 * still arriving, and whatever comes while the server works on a step (a pipelined request, or
 * early data after {@code CONNECT}, which the relay takes over). Bytes arrive here once, from
 * the handler in front (decrypted, under TLS), and are parsed where they lie.
 *
 * <p>Reading stays on between messages (toggling it costs an {@code epoll_ctl} each way) and
 * pauses only while the server works on a step with more than {@link #PAUSE_READING} bytes
 * held; a client that has more than {@link #MAX_PENDING} held is cut off. Confined to the
 * channel's event loop.
 */
final class MessageStaging {

  // Bytes a client may send ahead of the server's reply before it is cut off.
  static final int MAX_PENDING = 256 * 1024;
  // Held bytes beyond which reading pauses until the next message is expected (back-pressure).
  static final int PAUSE_READING = 64 * 1024;

  private final ChannelHandlerContext ctx;
  private ByteBuf held;
  private boolean paused;

  MessageStaging(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Adds bytes just read behind those held (takes ownership). */
  void add(ByteBuf buf) {
    held = held == null ? buf
        : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), held, buf);
  }

  /** The bytes held, starting at the next unparsed one; null when none were ever held. */
  ByteBuf held() {
    return held;
  }

  /** Whether any byte is held. */
  boolean holding() {
    return held != null && held.isReadable();
  }

  /**
   * Called once the handshake has parsed what it could: frees a drained buffer and pauses or
   * resumes reading.
   *
   * @param waitingForClient whether the handshake now waits for the client's next message
   * @return false when more than {@link #MAX_PENDING} bytes are held: the client is cut off
   */
  boolean settle(boolean waitingForClient) {
    if (held != null && !held.isReadable()) {
      held.release();
      held = null;
    }
    int n = held == null ? 0 : held.readableBytes();
    if (waitingForClient) {
      // Re-arming reads on a socket whose input is shut down fails on epoll (epoll_ctl
      // ENOENT); after a FIN only the bytes already held can complete the message.
      if (paused && !inputShutdown()) {
        paused = false;
        ctx.channel().config().setAutoRead(true);
      }
    } else if (n > PAUSE_READING && !paused) {
      paused = true;
      ctx.channel().config().setAutoRead(false);
    }
    return n <= MAX_PENDING;
  }

  private boolean inputShutdown() {
    return ctx.channel() instanceof DuplexChannel duplex && duplex.isInputShutdown();
  }

  /** The bytes held (the caller owns them), or null when there are none. */
  ByteBuf take() {
    ByteBuf early = held;
    held = null;
    if (early != null && !early.isReadable()) {
      early.release();
      return null;
    }
    return early;
  }

  void release() {
    if (held != null) {
      held.release();
      held = null;
    }
  }
}
