package dev.egresskit.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Small channel helpers shared by the handlers. */
final class Channels {

  private Channels() {}

  /**
   * Closes the channel once what was already written has been flushed, so the last bytes of a
   * relay are delivered; if the peer does not read them within the bound, closes anyway.
   */
  static void closeAfterFlush(Channel channel, Duration bound) {
    if (!channel.isOpen()) {
      return;
    }
    ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
    if (!channel.isActive() || !channel.isRegistered() || pending == null
        || pending.totalPendingWriteBytes() == 0 && pending.isEmpty()) {
      // Nothing left to deliver (the usual end of an SMTP session): close now, without the
      // empty write, its listener and the backstop timer.
      channel.close();
      return;
    }
    channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    ScheduledFuture<?> backstop =
        channel.eventLoop().schedule(() -> channel.close(), bound.toNanos(), TimeUnit.NANOSECONDS);
    channel.closeFuture().addListener(f -> backstop.cancel(false));
  }
}
