package dev.egresskit.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Feeds the handshake one message at a time. Netty's SOCKS5 decoders each decode exactly one
 * message: this installs the decoder for the message expected next, removes it when the message
 * arrives, and holds the bytes that follow (a pipelined next request, or early data after
 * {@code CONNECT}) until the handshake is ready for them. Reading stays on between messages
 * (toggling it costs an {@code epoll_ctl} each way) and pauses only while more than
 * {@link #PAUSE_READING} bytes are held. Confined to the channel's event loop.
 */
final class MessageStaging {

  static final String DECODER = "socks5-decoder";
  // Bytes a client may send ahead of the server's reply before it is cut off.
  static final int MAX_PENDING = 256 * 1024;
  // Held bytes beyond which reading pauses until the next message is expected (back-pressure).
  static final int PAUSE_READING = 64 * 1024;

  private final ChannelHandlerContext ctx;
  private final String handlerName;
  private ByteBuf pending;
  private boolean awaiting;

  MessageStaging(ChannelHandlerContext ctx, String handlerName) {
    this.ctx = ctx;
    this.handlerName = handlerName;
  }

  /** Installs the decoder for the next message and feeds it any bytes already held. */
  void expect(ChannelHandler decoder) {
    awaiting = true;
    ctx.pipeline().addBefore(handlerName, DECODER, decoder);
    if (!inputShutdown()) {
      // Re-arming reads on a socket whose input is shut down fails on epoll (epoll_ctl
      // ENOENT); after a FIN only the bytes already held can complete the message.
      ctx.channel().config().setAutoRead(true);
    }
    ByteBuf early = takePending();
    if (early != null) {
      feedDecoder(early);
    }
  }

  /**
   * Hands bytes already read (and decrypted, under TLS) to the installed decoder directly:
   * firing them from the pipeline's head would pass them through a TLS handler again.
   */
  private void feedDecoder(ByteBuf buf) {
    ChannelHandlerContext decoder = ctx.pipeline().context(DECODER);
    if (decoder == null) {
      buf.release();
      return;
    }
    try {
      ((ChannelInboundHandler) decoder.handler()).channelRead(decoder, buf);
    } catch (Exception e) {
      ctx.fireExceptionCaught(e);
    }
  }

  private boolean inputShutdown() {
    return ctx.channel() instanceof DuplexChannel duplex && duplex.isInputShutdown();
  }

  /** A message arrived: remove its decoder. */
  void arrived() {
    awaiting = false;
    if (ctx.pipeline().get(DECODER) != null) {
      // Removing a decoder from inside its own decode is safe: Netty forwards its leftover bytes.
      ctx.pipeline().remove(DECODER);
    }
  }

  /** Whether a decoder is waiting for bytes. */
  boolean awaiting() {
    return awaiting;
  }

  /** Nothing more will be decoded (the connection is closing). */
  void stop() {
    awaiting = false;
    release();
  }

  /** Whether bytes are held for a later message (or the relay). */
  boolean holding() {
    return pending != null && pending.isReadable();
  }

  /**
   * Takes bytes the handshake is not ready for.
   *
   * @return false when more than {@link #MAX_PENDING} bytes are held: the client is cut off
   */
  boolean hold(ByteBuf buf) {
    if (awaiting) {
      // Leftovers of the decoder just removed arrive after the next one was installed: they
      // belong to it, ahead of anything read later.
      feedDecoder(buf);
      return true;
    }
    pending = pending == null ? buf
        : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), pending, buf);
    if (pending.readableBytes() > PAUSE_READING) {
      ctx.channel().config().setAutoRead(false);
    }
    return pending.readableBytes() <= MAX_PENDING;
  }

  /** The bytes held so far (the caller owns them), or null. */
  ByteBuf takePending() {
    ByteBuf early = pending;
    pending = null;
    return early;
  }

  void release() {
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }
}
