package dev.egresskit.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5Message;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The SOCKS5 handshake of one client connection: greeting, optional RFC 1929 authentication
 * ({@link Socks5Authentication}), then KumoProxy's request loop (spec §3.2–3.3) — {@code BIND}
 * picks the outbound source, {@code CONNECT} dials from it ({@link OutboundDialer}) — until the
 * relay starts ({@link RelayStart}) and this handler leaves the pipeline.
 *
 * <p>This class owns the phase, its timer and how the handshake ends; {@link MessageStaging}
 * feeds it one message at a time, so a client may pipeline every step in one write and is
 * answered step by step, in order. Replies are flushed when the handshake waits for anything
 * but its own dial, so a pipelined BIND+CONNECT gets all its replies in one segment.
 */
final class Socks5HandshakeHandler extends ChannelInboundHandlerAdapter {

  static final String NAME = "socks5-handshake";
  static final String ENCODER = "socks5-encoder";

  private final ServerContext server;
  private final ProxyConfig config;
  private final ConnectionRecord record;
  private ChannelHandlerContext ctx;
  private MessageStaging staging;
  private Socks5Authentication authentication;
  private OutboundDialer dialer;
  private HandshakePhase phase = HandshakePhase.GREETING;
  private boolean inputShutdown;
  private ScheduledFuture<?> timer;
  private long timerDue;
  private long deadline;
  private Runnable onExpiry;

  Socks5HandshakeHandler(ServerContext server, ConnectionRecord record) {
    this.server = server;
    this.config = server.config();
    this.record = record;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.staging = new MessageStaging(ctx, NAME);
    this.authentication = new Socks5Authentication(this, server, record, ctx);
    this.dialer = new OutboundDialer(this, server, record, ctx);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (server.closing()) {
      close(Outcome.SHUTDOWN);
      return;
    }
    expect(new Socks5InitialRequestDecoder(), HandshakePhase.GREETING, config.timeouts().greeting(),
        Outcome.GREETING_TIMEOUT);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Socks5Message message) {
      staging.arrived();
      if (message instanceof Socks5InitialRequest greeting) {
        cancelTimer();
        authentication.onGreeting(greeting);
      } else if (message instanceof Socks5PasswordAuthRequest auth) {
        authentication.onAuth(auth);
      } else if (message instanceof Socks5CommandRequest request) {
        onRequest(request);
      } else {
        close(Outcome.PROTOCOL_ERROR);
      }
    } else if (msg instanceof ByteBuf buf) {
      if (phase == HandshakePhase.CLOSING) {
        buf.release();
      } else if (!staging.hold(buf)) {
        close(Outcome.PROTOCOL_ERROR);
      }
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (phase != HandshakePhase.HANDLING) {
      // Waiting for the client or a password check: what the client waits for goes out now.
      // While dialling, the dial's reply goes out soon and takes these along.
      ctx.flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      // The client sent FIN. While a decoder waits for more bytes that can never come, give up;
      // so too while a password check waits with nothing after the auth request (the client
      // can never send a request); otherwise remember it and pass it on when the relay starts.
      inputShutdown = true;
      if (staging.awaiting()) {
        close(Outcome.CLIENT_CLOSED);
      } else if (phase == HandshakePhase.AUTH && !staging.holding()) {
        close(Outcome.CLIENT_CLOSED);
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stopTimer();
    staging.release();
    authentication.abandon();
    record.outcome(Outcome.CLIENT_CLOSED);
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stopTimer();
    staging.release();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    record.error(cause);
    close(cause instanceof IOException ? Outcome.CLIENT_CLOSED : Outcome.PROTOCOL_ERROR);
  }

  // ---- the request loop (spec §3.3) ----

  void expectRequest() {
    expect(new Socks5CommandRequestDecoder(RequestAddresses.DECODER), HandshakePhase.REQUEST,
        config.timeouts().request(), Outcome.REQUEST_TIMEOUT);
  }

  private void onRequest(Socks5CommandRequest request) {
    cancelTimer();
    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      record.error(cause);
      if (RequestAddresses.unsupportedType(cause)) {
        fail(Socks5CommandStatus.ADDRESS_UNSUPPORTED, Outcome.ADDRESS_TYPE_NOT_SUPPORTED);
      } else {
        close(Outcome.PROTOCOL_ERROR);
      }
      return;
    }
    phase = HandshakePhase.HANDLING;
    Socks5CommandType type = request.type();
    if (type.equals(Socks5CommandType.BIND)) {
      dialer.onBind(request);
    } else if (type.equals(Socks5CommandType.CONNECT)) {
      dialer.onConnect(request);
    } else {
      fail(Socks5CommandStatus.COMMAND_UNSUPPORTED, Outcome.COMMAND_NOT_SUPPORTED);
    }
  }

  /** The failure reply {@code 05 REP 00 01 00 00 00 00 00 00}, then close (spec §3.3). */
  void fail(Socks5CommandStatus status, Outcome outcome) {
    refuse(SocksReplies.failure(status), outcome);
  }

  /** Answers with a refusal of the current step and closes once it is written. */
  void refuse(Object reply, Outcome outcome) {
    stopTimer();
    phase = HandshakePhase.CLOSING;
    staging.stop();
    record.outcome(outcome);
    ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
  }

  /** Dialled: the relay takes over the connection, with whatever the client sent early. */
  void startRelay(io.netty.channel.Channel outbound) {
    phase = HandshakePhase.RELAY;
    RelayStart.start(ctx, record, outbound, staging.takePending(), inputShutdown,
        config.timeouts().idle(), this, server.splice());
  }

  // ---- phases and timers ----

  /** Enters a phase that waits for a message: arms its timeout and installs its decoder. */
  void expect(ChannelHandler decoder, HandshakePhase next, Duration timeout, Outcome onTimeout) {
    phase = next;
    arm(timeout, () -> close(onTimeout));
    staging.expect(decoder);
    if (inputShutdown) {
      // The client sent FIN: only bytes already here can complete the message. Some may still
      // be on their way from the decoder just removed (a step answered synchronously, inside
      // its decode), so look once they have arrived.
      ctx.executor().execute(() -> {
        if (phase == next && staging.awaiting()) {
          close(Outcome.CLIENT_CLOSED);
        }
      });
    }
  }

  /** Sends what was written unless a dial is under way (its reply will take it along). */
  void flushUnlessDialling() {
    if (phase != HandshakePhase.HANDLING) {
      ctx.flush();
    }
  }

  /** Enters a phase in which the server, not the client, is working. */
  void phase(HandshakePhase value) {
    phase = value;
  }

  HandshakePhase phase() {
    return phase;
  }

  /**
   * Arms the current phase's timeout. One scheduled task serves every phase of a handshake: a
   * quick handshake schedules one and cancels it at the end, not one per phase. The task runs at
   * the earliest deadline armed so far and re-schedules itself when the current one is later.
   */
  void arm(Duration timeout, Runnable onExpiry) {
    long now = ctx.executor().ticker().nanoTime();
    deadline = now + timeout.toNanos();
    this.onExpiry = onExpiry;
    if (timer != null && timerDue - deadline > 0) {
      timer.cancel(false); // due after the new deadline: schedule an earlier one
      timer = null;
    }
    if (timer == null) {
      schedule(deadline - now);
    }
  }

  private void schedule(long delayNanos) {
    timerDue = deadline;
    timer = ctx.executor().schedule(this::timerFired, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void timerFired() {
    timer = null;
    if (onExpiry == null) {
      return;
    }
    long left = deadline - ctx.executor().ticker().nanoTime();
    if (left > 0) {
      schedule(left);
      return;
    }
    Runnable expired = onExpiry;
    onExpiry = null;
    expired.run();
  }

  /** Disarms the current phase's timeout (the task stays for the next phase). */
  void cancelTimer() {
    onExpiry = null;
  }

  /** The handshake is over: no task may outlive it. */
  private void stopTimer() {
    onExpiry = null;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** Ends the connection without a reply. */
  void close(Outcome outcome) {
    stopTimer();
    phase = HandshakePhase.CLOSING;
    staging.stop();
    authentication.abandon();
    record.outcome(outcome);
    ctx.flush(); // replies already written still reach the client before the close
    ctx.close();
  }
}
