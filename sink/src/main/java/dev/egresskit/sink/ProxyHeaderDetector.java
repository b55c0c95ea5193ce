package dev.egresskit.sink;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.ProtocolDetectionResult;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Looks at the first bytes of a session: a PROXY header hands over to Netty's
 * {@link HAProxyMessageDecoder}; anything else starts SMTP ({@code OPTIONAL}) or ends the session
 * ({@code REQUIRED}). Silence for the header wait does the same.
 */
final class ProxyHeaderDetector extends ByteToMessageDecoder {

  /** Fired down the pipeline when the SMTP dialogue may begin without a header. */
  static final Object NO_HEADER = new Object();

  private final ProxyProtocolMode mode;
  private final long waitNanos;
  private ScheduledFuture<?> timer;

  ProxyHeaderDetector(ProxyProtocolMode mode, long waitNanos) {
    this.mode = mode;
    this.waitNanos = waitNanos;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    timer = ctx.executor().schedule(() -> noHeader(ctx, "no PROXY header"), waitNanos,
        TimeUnit.NANOSECONDS);
    super.channelActive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    ProtocolDetectionResult<HAProxyProtocolVersion> result = HAProxyMessageDecoder.detectProtocol(in);
    switch (result.state()) {
      case NEEDS_MORE_DATA:
        return;
      case DETECTED:
        cancelTimer();
        ctx.pipeline().addAfter(ctx.name(), "haproxy-decoder", new HAProxyMessageDecoder());
        ctx.pipeline().remove(this);
        return;
      case INVALID:
      default:
        noHeader(ctx, "the first bytes are not a PROXY header");
    }
  }

  private void noHeader(ChannelHandlerContext ctx, String why) {
    cancelTimer();
    if (ctx.isRemoved()) {
      return;
    }
    if (mode == ProxyProtocolMode.REQUIRED) {
      ctx.fireUserEventTriggered(new MissingHeader(why));
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(NO_HEADER);
    ctx.pipeline().remove(this);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    cancelTimer();
  }

  /** Fired when {@code REQUIRED} mode closes a session that sent no header. */
  record MissingHeader(String why) {}
}
