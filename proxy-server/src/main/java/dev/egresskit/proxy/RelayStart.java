package dev.egresskit.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import java.time.Duration;

/** Hands a dialled connection from the handshake to the relay. */
final class RelayStart {

  /** Back-pressure bounds of a copying relay: per channel, what may wait to be written. */
  static final WriteBufferWaterMark RELAY_WATER_MARK =
      new WriteBufferWaterMark(256 * 1024, 512 * 1024);

  private RelayStart() {}

  /**
   * Replaces the handshake handler with the relay — {@link SpliceRelay} when asked for and
   * possible, otherwise the two user-space {@link RelayHandler} directions — and forwards what
   * the client sent early.
   *
   * @param early bytes the client sent after its CONNECT, or null (this takes ownership)
   * @param inputShutdown whether the client already sent FIN
   * @param splice whether to relay with splice(2) where the channels allow it ({@link SpliceRelay})
   */
  static void start(ChannelHandlerContext ctx, ConnectionRecord record, Channel outbound,
      ByteBuf early, boolean inputShutdown, Duration idle, ChannelHandler handshake,
      boolean splice) {
    record.startRelaying();
    Channel client = ctx.channel();
    ChannelPipeline pipeline = ctx.pipeline();
    pipeline.remove(handshake);
    if (splice && SpliceRelay.applies(client, outbound)) {
      SpliceRelay.start(ctx, record, outbound, early, inputShutdown, idle);
      return;
    }
    // With Netty's default high-water mark (64 KiB) every read of a bulk transfer would turn
    // reading off and on again (two epoll_ctl calls). A read may now be up to 1 MiB
    // (RelayReads, set when the channels were made): past the mark reading pauses until the
    // socket takes the bytes, so at most the mark plus one read waits per direction.
    client.config().setWriteBufferWaterMark(RELAY_WATER_MARK);
    outbound.config().setWriteBufferWaterMark(RELAY_WATER_MARK);
    RelayIdle idleWatch = RelayIdle.start(client.eventLoop(), idle.toNanos(), () -> {
      if (client.isOpen()) {
        record.outcome(Outcome.IDLE_TIMEOUT);
        client.close();
        outbound.close();
      }
    });
    record.relayIdle(idleWatch);
    RelayHandler clientSide = new RelayHandler(record, outbound, true, idle, idleWatch);
    outbound.pipeline().addLast(RelayHandler.NAME,
        new RelayHandler(record, client, false, idle, idleWatch));
    pipeline.addLast(RelayHandler.NAME, clientSide);
    if (early != null) {
      clientSide.forward(early);
      outbound.flush();
    }
    if (inputShutdown) {
      // Nothing more to read. Re-arming reads on a socket whose input is shut down fails on
      // epoll (epoll_ctl ENOENT), and the relay would close before the destination answers.
      clientSide.inputShutdown(client);
    } else {
      client.config().setAutoRead(true);
    }
    outbound.config().setAutoRead(true);
  }
}
