package dev.egresskit.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressDecoder;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5Message;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The SOCKS5 handshake of one client connection: greeting, optional RFC 1929 authentication,
 * then KumoProxy's request loop (spec §3.2–3.3) — {@code BIND} picks the outbound source,
 * {@code CONNECT} dials from it — until the relay starts and this handler leaves the pipeline.
 *
 * <p>Netty's SOCKS5 decoders each decode exactly one message. This handler installs the decoder
 * for the message it expects, removes it when the message arrives, and holds any bytes that
 * follow (a client may pipeline its next request, or early data after {@code CONNECT}) until it
 * is ready for them. Reading is paused while a request is being handled.
 */
final class Socks5SessionHandler extends ChannelInboundHandlerAdapter {

  static final String NAME = "socks5-session";
  static final String ENCODER = "socks5-encoder";
  private static final String DECODER = "socks5-decoder";
  // Bytes a client may send ahead of the server's reply before it is cut off.
  private static final int MAX_PENDING = 256 * 1024;

  /** Rejects address types other than IPv4, domain and IPv6 with a recognisable exception. */
  private static final Socks5AddressDecoder ADDRESSES = (type, in) -> {
    if (type != Socks5AddressType.IPv4 && type != Socks5AddressType.IPv6
        && type != Socks5AddressType.DOMAIN) {
      throw new UnsupportedAddressTypeException(type);
    }
    return Socks5AddressDecoder.DEFAULT.decodeAddress(type, in);
  };

  // KumoProxy answers a failed RFC 1929 check with 01 01 (Netty's FAILURE constant is FF).
  private static final Socks5PasswordAuthStatus AUTH_REFUSED = Socks5PasswordAuthStatus.valueOf((byte) 1);

  private enum Phase { GREETING, AUTH, REQUEST, HANDLING, RELAY, CLOSING }

  private final ServerContext server;
  private final ProxyConfig config;
  private final Session session;
  private ChannelHandlerContext ctx;
  private Phase phase = Phase.GREETING;
  private boolean awaiting;
  private boolean inputShutdown;
  private ByteBuf pending;
  private ScheduledFuture<?> timer;

  Socks5SessionHandler(ServerContext server, Session session) {
    this.server = server;
    this.config = server.config();
    this.session = session;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (server.closing()) {
      close(Outcome.SHUTDOWN);
      return;
    }
    expect(new Socks5InitialRequestDecoder(), Phase.GREETING, config.timeouts().greeting(),
        Outcome.GREETING_TIMEOUT);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Socks5Message message) {
      awaiting = false;
      removeDecoder();
      ctx.channel().config().setAutoRead(false);
      if (message instanceof Socks5InitialRequest greeting) {
        onGreeting(greeting);
      } else if (message instanceof Socks5PasswordAuthRequest auth) {
        onAuth(auth);
      } else if (message instanceof Socks5CommandRequest request) {
        onRequest(request);
      } else {
        close(Outcome.PROTOCOL_ERROR);
      }
    } else if (msg instanceof ByteBuf buf) {
      hold(buf);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      // The client sent FIN. While a decoder waits for more bytes that can never come, give up;
      // while a request is being handled, remember it and pass it on when the relay starts.
      inputShutdown = true;
      if (awaiting) {
        close(Outcome.CLIENT_CLOSED);
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimer();
    releasePending();
    session.outcome(Outcome.CLIENT_CLOSED);
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimer();
    releasePending();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    session.error(cause);
    close(cause instanceof IOException ? Outcome.CLIENT_CLOSED : Outcome.PROTOCOL_ERROR);
  }

  // ---- greeting and authentication (spec §3.2) ----

  private void onGreeting(Socks5InitialRequest greeting) {
    cancelTimer();
    if (greeting.decoderResult().isFailure()) {
      // Wrong version or no methods at all: KumoProxy ends the session without a reply.
      session.error(greeting.decoderResult().cause());
      close(Outcome.PROTOCOL_ERROR);
      return;
    }
    List<Socks5AuthMethod> methods = greeting.authMethods();
    if (methods.contains(Socks5AuthMethod.PASSWORD)) {
      // A client that offers username/password is always authenticated, even when auth is
      // optional: the same rule as KumoProxy.
      ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.PASSWORD));
      expect(new Socks5PasswordAuthRequestDecoder(), Phase.AUTH, config.timeouts().auth(),
          Outcome.AUTH_TIMEOUT);
    } else if (!config.requireAuth() && methods.contains(Socks5AuthMethod.NO_AUTH)) {
      ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
      expectRequest();
    } else {
      phase = Phase.CLOSING;
      session.outcome(Outcome.NO_ACCEPTABLE_METHOD);
      ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void onAuth(Socks5PasswordAuthRequest auth) {
    if (auth.decoderResult().isFailure()) {
      session.error(auth.decoderResult().cause());
      close(Outcome.PROTOCOL_ERROR);
      return;
    }
    String user = auth.username();
    String password = auth.password();
    ProxyCredentials credentials = config.credentials();
    if (credentials == null) {
      authDone(user, false);
      return;
    }
    if (credentials.isRemembered(user, password)) {
      authDone(user, true);
      return;
    }
    // PBKDF2 is slow by design: never on the event loop. The auth timer keeps running.
    Channel channel = ctx.channel();
    try {
      server.authExecutor().execute(() -> {
        boolean ok = channel.isActive() && credentials.verify(user, password);
        try {
          channel.eventLoop().execute(() -> authDone(user, ok));
        } catch (RejectedExecutionException e) {
          channel.close(); // the server is shutting down
        }
      });
    } catch (RejectedExecutionException e) {
      close(Outcome.SHUTDOWN);
    }
  }

  private void authDone(String user, boolean ok) {
    if (phase != Phase.AUTH || !ctx.channel().isActive()) {
      return;
    }
    cancelTimer();
    session.user(user);
    if (ok) {
      ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
      expectRequest();
    } else {
      phase = Phase.CLOSING;
      session.outcome(Outcome.AUTH_FAILED);
      ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(AUTH_REFUSED))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  // ---- the request loop (spec §3.3) ----

  private void expectRequest() {
    expect(new Socks5CommandRequestDecoder(ADDRESSES), Phase.REQUEST, config.timeouts().request(),
        Outcome.REQUEST_TIMEOUT);
  }

  private void onRequest(Socks5CommandRequest request) {
    cancelTimer();
    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      session.error(cause);
      if (hasCause(cause, UnsupportedAddressTypeException.class)) {
        fail(Socks5CommandStatus.ADDRESS_UNSUPPORTED, Outcome.ADDRESS_TYPE_NOT_SUPPORTED);
      } else {
        close(Outcome.PROTOCOL_ERROR);
      }
      return;
    }
    phase = Phase.HANDLING;
    Socks5CommandType type = request.type();
    if (type.equals(Socks5CommandType.BIND)) {
      onBind(request);
    } else if (type.equals(Socks5CommandType.CONNECT)) {
      onConnect(request);
    } else {
      fail(Socks5CommandStatus.COMMAND_UNSUPPORTED, Outcome.COMMAND_NOT_SUPPORTED);
    }
  }

  /** BIND in KumoProxy's sense: create the outbound socket and bind it to the requested source. */
  private void onBind(Socks5CommandRequest request) {
    if (session.outbound() != null) {
      fail(Socks5CommandStatus.FAILURE, Outcome.BAD_SEQUENCE);
      return;
    }
    InetAddress ip = ipOf(request);
    if (ip == null) {
      fail(Socks5CommandStatus.FAILURE, Outcome.DOMAIN_NOT_SUPPORTED);
      return;
    }
    InetSocketAddress source = new InetSocketAddress(ip, request.dstPort());
    session.requestedSource(source);
    if (!config.sourceAllowed(ip)) {
      fail(Socks5CommandStatus.FORBIDDEN, Outcome.SOURCE_NOT_ALLOWED);
      return;
    }
    armHandlingTimer();
    SocketChannel outbound = newOutbound(ip);
    ctx.channel().eventLoop().register(outbound).addListener(registered -> {
      if (!registered.isSuccess()) {
        outboundFailed(outbound, registered.cause(), Outcome.BIND_FAILED);
        return;
      }
      outbound.bind(source).addListener(bound -> {
        if (!bound.isSuccess()) {
          outboundFailed(outbound, bound.cause(), Outcome.BIND_FAILED);
          return;
        }
        if (phase != Phase.HANDLING) {
          return;
        }
        cancelTimer();
        InetSocketAddress local = outbound.localAddress();
        session.outboundLocal(local);
        ctx.writeAndFlush(SocksReplies.success(local));
        expectRequest();
      });
    });
  }

  /** CONNECT: dial from the bound socket, or from a fresh one when no BIND came first. */
  private void onConnect(Socks5CommandRequest request) {
    InetAddress ip = ipOf(request);
    if (ip == null) {
      fail(Socks5CommandStatus.FAILURE, Outcome.DOMAIN_NOT_SUPPORTED);
      return;
    }
    InetSocketAddress destination = new InetSocketAddress(ip, request.dstPort());
    session.destination(destination);
    if (!config.portAllowed(request.dstPort())) {
      fail(Socks5CommandStatus.FORBIDDEN, Outcome.PORT_NOT_ALLOWED);
      return;
    }
    armHandlingTimer();
    Channel bound = session.outbound();
    if (bound != null) {
      dial(bound, destination);
      return;
    }
    SocketChannel outbound = newOutbound(ip);
    ctx.channel().eventLoop().register(outbound).addListener(registered -> {
      if (!registered.isSuccess()) {
        outboundFailed(outbound, registered.cause(), Outcome.CONNECT_FAILED);
      } else {
        dial(outbound, destination);
      }
    });
  }

  private void dial(Channel outbound, InetSocketAddress destination) {
    outbound.connect(destination).addListener(connected -> {
      if (!connected.isSuccess()) {
        outboundFailed(outbound, connected.cause(), Outcome.CONNECT_FAILED);
        return;
      }
      if (phase != Phase.HANDLING) {
        return;
      }
      cancelTimer();
      InetSocketAddress local = (InetSocketAddress) outbound.localAddress();
      session.outboundLocal(local);
      ctx.writeAndFlush(SocksReplies.success(local));
      startRelay(outbound);
    });
  }

  private SocketChannel newOutbound(InetAddress family) {
    SocketChannel outbound = server.transport().newSocketChannel(
        family instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6);
    Duration connectTimeout = config.timeouts().connect();
    outbound.config()
        .setTcpNoDelay(true)
        .setKeepAlive(true)
        .setAllowHalfClosure(true)
        .setAutoRead(false)
        .setConnectTimeoutMillis((int) connectTimeout.toMillis());
    for (Map.Entry<ChannelOption<Integer>, Integer> option : server.transport().keepAliveTuning().entrySet()) {
      outbound.config().setOption(option.getKey(), option.getValue());
    }
    session.attachOutbound(outbound);
    return outbound;
  }

  private void outboundFailed(Channel outbound, Throwable cause, Outcome outcome) {
    if (outbound.isRegistered()) {
      outbound.close();
    } else {
      session.discardUnregistered(outbound);
    }
    if (phase != Phase.HANDLING) {
      return;
    }
    session.error(cause);
    Socks5CommandStatus status = SocksReplies.statusFor(cause);
    fail(status, status.equals(Socks5CommandStatus.TTL_EXPIRED) ? Outcome.CONNECT_TIMEOUT : outcome);
  }

  private void armHandlingTimer() {
    // Netty's connect timeout would answer 06 too; this one also covers registration and bind.
    arm(config.timeouts().connect(),
        () -> fail(Socks5CommandStatus.TTL_EXPIRED, Outcome.CONNECT_TIMEOUT));
  }

  /** The failure reply {@code 05 REP 00 01 00 00 00 00 00 00}, then close (spec §3.3). */
  private void fail(Socks5CommandStatus status, Outcome outcome) {
    cancelTimer();
    phase = Phase.CLOSING;
    session.outcome(outcome);
    ctx.writeAndFlush(SocksReplies.failure(status)).addListener(ChannelFutureListener.CLOSE);
  }

  // ---- the relay ----

  private void startRelay(Channel outbound) {
    phase = Phase.RELAY;
    session.startRelaying();
    Channel client = ctx.channel();
    ByteBuf early = pending;
    pending = null;
    ChannelPipeline pipeline = ctx.pipeline();
    pipeline.remove(ENCODER);
    pipeline.remove(this);
    Duration idle = config.timeouts().idle();
    RelayHandler clientSide = new RelayHandler(session, outbound, true, idle);
    outbound.pipeline().addLast(RelayHandler.NAME, new RelayHandler(session, client, false, idle));
    // Every relayed byte passes the client channel, so one idle handler there sees both ways.
    pipeline.addLast("idle", new IdleStateHandler(0, 0, idle.toNanos(), TimeUnit.NANOSECONDS));
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

  // ---- decoder and timer plumbing ----

  /** Installs the decoder for the next message and feeds it any bytes already held. */
  private void expect(ChannelHandler decoder, Phase next, Duration timeout, Outcome onTimeout) {
    phase = next;
    awaiting = true;
    arm(timeout, () -> close(onTimeout));
    ctx.pipeline().addBefore(NAME, DECODER, decoder);
    ctx.channel().config().setAutoRead(true);
    ByteBuf early = pending;
    pending = null;
    if (early != null) {
      // The pipeline starts at the encoder (outbound only), so this reaches the new decoder.
      ctx.pipeline().fireChannelRead(early);
    }
    if (awaiting && inputShutdown) {
      close(Outcome.CLIENT_CLOSED);
    }
  }

  private void removeDecoder() {
    if (ctx.pipeline().get(DECODER) != null) {
      // Removing a decoder from inside its own decode is safe: Netty forwards its leftover bytes.
      ctx.pipeline().remove(DECODER);
    }
  }

  private void hold(ByteBuf buf) {
    if (phase == Phase.CLOSING) {
      buf.release();
      return;
    }
    if (awaiting) {
      // Leftovers of the decoder just removed arrive after the next one was installed: they
      // belong to it, ahead of anything read later.
      ctx.pipeline().fireChannelRead(buf);
      return;
    }
    pending = pending == null ? buf
        : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), pending, buf);
    if (pending.readableBytes() > MAX_PENDING) {
      close(Outcome.PROTOCOL_ERROR);
    }
  }

  private void releasePending() {
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }

  private void arm(Duration timeout, Runnable onExpiry) {
    cancelTimer();
    timer = ctx.executor().schedule(onExpiry, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void close(Outcome outcome) {
    cancelTimer();
    phase = Phase.CLOSING;
    awaiting = false;
    session.outcome(outcome);
    releasePending();
    ctx.close();
  }

  private static InetAddress ipOf(Socks5CommandRequest request) {
    if (request.dstAddrType().equals(Socks5AddressType.DOMAIN)) {
      return null; // KumoProxy: "Domain not supported" (spec §3.3)
    }
    return NetUtil.createInetAddressFromIpAddressString(request.dstAddr());
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** An address type other than 01, 03 and 04: answered with 08. */
  static final class UnsupportedAddressTypeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnsupportedAddressTypeException(Socks5AddressType type) {
      super("unsupported address type " + (type.byteValue() & 0xff), null, false, false);
    }
  }
}
