package dev.egresskit.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The SOCKS5 handshake of one client connection: greeting, optional RFC 1929 authentication
 * ({@link Socks5Authentication}), then KumoProxy's request loop (spec §3.2–3.3) — {@code BIND}
 * picks the outbound source, {@code CONNECT} dials from it ({@link OutboundDialer}) — until the
 * relay starts ({@link RelayStart}) and this handler leaves the pipeline.
 *
 * <p>This one handler stays in the pipeline for the whole handshake: it keeps what the client
 * sent ({@link MessageStaging}) and parses each message where it lies ({@link HandshakeParser}),
 * one at a time and only when the handshake is ready for it, so a client may send every step in
 * one write (or byte by byte) and is answered step by step, in order. Replies are written into
 * one buffer and sent when the handshake waits for anything but its own dial, so a pipelined
 * BIND+CONNECT gets all its replies in one segment.
 */
final class Socks5HandshakeHandler extends ChannelInboundHandlerAdapter {

  static final String NAME = "socks5-handshake";

  private static final int BIND = 2;
  private static final int CONNECT = 1;

  private final ServerContext server;
  private final ProxyConfig config;
  private final ConnectionRecord record;
  private ChannelHandlerContext ctx;
  private MessageStaging staging;
  private Socks5Authentication authentication;
  private OutboundDialer dialer;
  private HandshakePhase phase = HandshakePhase.GREETING;
  private boolean inputShutdown;
  private boolean parsing;
  private ByteBuf replies;
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
    this.staging = new MessageStaging(ctx);
    this.authentication = new Socks5Authentication(this, server, record, ctx);
    this.dialer = new OutboundDialer(this, server, record, ctx);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (server.closing()) {
      close(Outcome.SHUTDOWN);
      return;
    }
    arm(config.timeouts().greeting(), () -> close(Outcome.GREETING_TIMEOUT));
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (phase == HandshakePhase.CLOSING) {
      buf.release();
      return;
    }
    staging.add(buf);
    parse();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (phase != HandshakePhase.HANDLING) {
      // Waiting for the client or a password check: what the client waits for goes out now.
      // While dialling, the dial's reply goes out soon and takes these along.
      flushReplies();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      // The client sent FIN. While waiting for a message, the bytes held (all parsed already)
      // are at most the start of one that can never be completed: give up. So too while a
      // password check waits with nothing after the auth request (the client can never send a
      // request). Otherwise remember it, and pass it on when the relay starts.
      inputShutdown = true;
      // Now, not when the relay starts: Netty's next epoll_ctl (clearing EPOLLRDHUP) would
      // leave the channel with no interest and out of epoll, and the relay's writes to the
      // client would then be lost at their first wait for room.
      EpollInterest.keepRegistered(ctx.channel());
      if (phase.waitingForClient()
          || phase == HandshakePhase.CHECKING && !staging.holding()) {
        close(Outcome.CLIENT_CLOSED);
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stopTimer();
    releaseBuffers();
    authentication.abandon();
    record.outcome(Outcome.CLIENT_CLOSED);
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stopTimer();
    releaseBuffers();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    record.error(cause);
    close(cause instanceof IOException ? Outcome.CLIENT_CLOSED : Outcome.PROTOCOL_ERROR);
  }

  // ---- parsing: one message at a time, each when its phase comes ----

  /**
   * Parses and handles the messages held, one after the other, while the handshake waits for
   * the client; stops at an incomplete message or when a step makes the server work (a password
   * check, a bind or dial that completes later). A step that completes at once (a greeting, or
   * a bind answered inside its call) re-enters here: the running loop carries on instead.
   */
  private void parse() {
    if (parsing) {
      return;
    }
    parsing = true;
    try {
      ByteBuf in;
      while ((in = staging.held()) != null && step(in)) {
        // each step consumed one message
      }
    } finally {
      parsing = false;
    }
    if (phase == HandshakePhase.CLOSING || phase == HandshakePhase.RELAY) {
      return;
    }
    boolean waiting = phase.waitingForClient();
    if (waiting && inputShutdown) {
      close(Outcome.CLIENT_CLOSED); // what is held cannot complete the next message
    } else if (!staging.settle(waiting)) {
      close(Outcome.PROTOCOL_ERROR);
    }
  }

  /** Handles the next message of the current phase; false when there is none to handle. */
  private boolean step(ByteBuf in) {
    return switch (phase) {
      case GREETING -> greeting(in);
      case AUTH -> auth(in);
      case REQUEST -> request(in);
      default -> false;
    };
  }

  private boolean greeting(ByteBuf in) {
    int length = HandshakeParser.greetingLength(in);
    if (length == HandshakeParser.INCOMPLETE) {
      return false;
    }
    cancelTimer();
    if (length < 0) {
      // Wrong version or no methods at all: KumoProxy ends the session without a reply.
      record.error(HandshakeParser.problem(length, in, HandshakeParser.SOCKS_VERSION));
      close(Outcome.PROTOCOL_ERROR);
      return false;
    }
    boolean password = HandshakeParser.offers(in, SocksReplies.PASSWORD);
    boolean noAuth = HandshakeParser.offers(in, SocksReplies.NO_AUTH);
    in.skipBytes(length);
    authentication.onGreeting(password, noAuth);
    return true;
  }

  private boolean auth(ByteBuf in) {
    int length = HandshakeParser.authLength(in);
    if (length == HandshakeParser.INCOMPLETE) {
      return false;
    }
    if (length < 0) {
      record.error(HandshakeParser.problem(length, in, HandshakeParser.AUTH_VERSION));
      close(Outcome.PROTOCOL_ERROR);
      return false;
    }
    String user = HandshakeParser.username(in);
    String password = HandshakeParser.password(in);
    in.skipBytes(length);
    if (user == null || password == null) {
      // KumoProxy requires UTF-8 and ends the session without a reply.
      record.error("the RFC 1929 username or password is not UTF-8");
      close(Outcome.PROTOCOL_ERROR);
      return false;
    }
    phase = HandshakePhase.CHECKING; // the auth timer keeps running while the check waits
    authentication.onAuth(user, password);
    return true;
  }

  private boolean request(ByteBuf in) {
    int length = HandshakeParser.requestLength(in);
    if (length == HandshakeParser.INCOMPLETE) {
      return false;
    }
    cancelTimer();
    if (length < 0) {
      record.error(HandshakeParser.problem(length, in, HandshakeParser.SOCKS_VERSION));
      if (length == HandshakeParser.UNSUPPORTED_ADDRESS) {
        fail(SocksReplies.ADDRESS_UNSUPPORTED, Outcome.ADDRESS_TYPE_NOT_SUPPORTED);
      } else {
        close(Outcome.PROTOCOL_ERROR);
      }
      return false;
    }
    phase = HandshakePhase.HANDLING;
    int command = HandshakeParser.command(in);
    if (command != BIND && command != CONNECT) {
      in.skipBytes(length);
      fail(SocksReplies.COMMAND_UNSUPPORTED, Outcome.COMMAND_NOT_SUPPORTED);
      return false;
    }
    InetAddress ip = HandshakeParser.ip(in);
    int port = HandshakeParser.port(in, length);
    // Consumed before it is handled: a CONNECT that dials at once hands what follows to the relay.
    in.skipBytes(length);
    if (command == BIND) {
      dialer.onBind(ip, port);
    } else {
      dialer.onConnect(ip, port);
    }
    return true;
  }

  // ---- replies ----

  /** The buffer the next reply is written into; sent with {@link #flushReplies()}. */
  ByteBuf replies() {
    if (replies == null) {
      replies = ctx.alloc().ioBuffer(64);
    }
    return replies;
  }

  private void flushReplies() {
    ByteBuf out = replies;
    if (out != null) {
      replies = null;
      ctx.writeAndFlush(out);
    }
  }

  private void releaseBuffers() {
    staging.release();
    if (replies != null) {
      replies.release();
      replies = null;
    }
  }

  // ---- how the handshake goes on, and ends ----

  /** Waits for the client's next request (spec §3.3), handling one already held at once. */
  void expectRequest() {
    expect(HandshakePhase.REQUEST, config.timeouts().request(), Outcome.REQUEST_TIMEOUT);
  }

  /**
   * Enters a phase that waits for a message: arms its timeout, and handles what the client has
   * already sent. Replies go out unless a dial is under way (its reply will take them along).
   */
  void expect(HandshakePhase next, Duration timeout, Outcome onTimeout) {
    phase = next;
    arm(timeout, () -> close(onTimeout));
    if (!parsing) {
      // Called from a completion (a password check's answer, a bind done later): carry on here.
      parse();
      if (phase != HandshakePhase.HANDLING) {
        flushReplies();
      }
    }
  }

  /** The failure reply {@code 05 REP 00 01 00 00 00 00 00 00}, then close (spec §3.3). */
  void fail(int rep, Outcome outcome) {
    SocksReplies.failure(replies(), rep);
    refuse(outcome);
  }

  /** Sends the replies written, the last being a refusal of the current step, and closes. */
  void refuse(Outcome outcome) {
    stopTimer();
    phase = HandshakePhase.CLOSING;
    staging.release();
    record.outcome(outcome);
    ByteBuf out = replies();
    replies = null;
    ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
  }

  /** Dialled: the relay takes over the connection, with whatever the client sent early. */
  void startRelay(Channel outbound) {
    phase = HandshakePhase.RELAY;
    flushReplies();
    RelayStart.start(ctx, record, outbound, staging.take(), inputShutdown,
        config.timeouts().idle(), this, server.splice());
  }

  HandshakePhase phase() {
    return phase;
  }

  /** Ends the connection without a reply to the current step. */
  void close(Outcome outcome) {
    stopTimer();
    phase = HandshakePhase.CLOSING;
    staging.release();
    authentication.abandon();
    record.outcome(outcome);
    flushReplies(); // replies already written still reach the client before the close
    ctx.close();
  }

  // ---- the one timer of every phase ----

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
}
