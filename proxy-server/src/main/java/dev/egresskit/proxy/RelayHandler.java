package dev.egresskit.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.time.Duration;

/**
 * One direction of a relay: forwards what its channel reads to the peer channel.
 *
 * <p>Back-pressure: when the peer's outbound buffer passes its high-water mark the peer turns
 * unwritable, and this side stops reading until it drains (auto-read follows writability).
 * Half-close: a FIN from one side becomes {@code shutdownOutput} on the other once everything
 * before it is flushed, so every byte is delivered; a channel closes when both of its directions
 * are done. Reads and drains tell the relay's {@link RelayIdle} that bytes moved.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

  static final String NAME = "relay";

  private final ConnectionRecord session;
  private final Channel peer;
  private final boolean fromClient;
  private final Duration flushBound;
  private final RelayIdle idle;

  RelayHandler(ConnectionRecord session, Channel peer, boolean fromClient, Duration flushBound,
      RelayIdle idle) {
    this.session = session;
    this.peer = peer;
    this.fromClient = fromClient;
    this.flushBound = flushBound;
    this.idle = idle;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      forward(buf);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  /** Counts and writes (without flushing) bytes read from this side. */
  void forward(ByteBuf buf) {
    int n = buf.readableBytes();
    if (n == 0) {
      buf.release();
      return;
    }
    if (fromClient) {
      session.countUp(n);
    } else {
      session.countDown(n);
    }
    peer.write(buf, peer.voidPromise());
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    idle.active();
    peer.flush();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    idle.active();
    // This channel's buffer filled or drained: stop or resume reading from the peer, unless the
    // peer's input is shut down (re-arming reads on it fails on epoll, closing the relay).
    if (!(peer instanceof DuplexChannel duplex && duplex.isInputShutdown())) {
      peer.config().setAutoRead(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      inputShutdown(ctx.channel());
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  /** This side sent FIN: pass it on after the bytes before it, then close what is finished. */
  void inputShutdown(Channel self) {
    EpollInterest.keepRegistered(self);
    peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> {
      if (flushed.isSuccess() && peer instanceof DuplexChannel duplex && peer.isActive()) {
        shutdownOutput(duplex);
      }
    });
    closeIfFinished(self);
  }

  /**
   * Sends FIN on a channel whose writes are all flushed. On epoll this shuts the socket down
   * directly: Netty's {@code shutdownOutput} builds an exception with a stack trace every time
   * (to fail writes that cannot be pending here), twice per relay. The channel is also told to
   * close, not half-close, at its own EOF: both of its directions are then done, and Netty's
   * {@code shutdown(SHUT_RD)} of a socket in that state fails with another exception.
   */
  private void shutdownOutput(DuplexChannel channel) {
    if (channel instanceof AbstractEpollStreamChannel epoll && epoll.fd() instanceof Socket socket) {
      try {
        socket.shutdown(false, true);
      } catch (IOException e) {
        channel.close();
        return;
      }
      if (!channel.isInputShutdown()) {
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
      }
      closeIfFinished(channel);
    } else {
      channel.shutdownOutput().addListener(done -> closeIfFinished(channel));
    }
  }

  private static void closeIfFinished(Channel channel) {
    if (channel instanceof DuplexChannel duplex
        && duplex.isInputShutdown() && duplex.isOutputShutdown()) {
      channel.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Channels.closeAfterFlush(peer, flushBound);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    session.outcome(Outcome.RELAY_ERROR);
    session.error(cause);
    ctx.close();
  }
}
