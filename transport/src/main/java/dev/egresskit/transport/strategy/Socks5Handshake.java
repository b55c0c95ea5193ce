package dev.egresskit.transport.strategy;

import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.Socks5Credentials;
import dev.egresskit.transport.spi.HandshakeContext;
import dev.egresskit.transport.spi.SourceAddressInfo;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5ClientEncoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5CommandResponseDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5InitialResponseDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthResponseDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The client side of SOCKS5 (spec §2.5): greeting; RFC 1929; then, with a SOCKS5 source address,
 * BIND(source, port 0) followed by CONNECT(destination) on the same connection (KumoProxy's
 * dialect), or a plain CONNECT without one. By default the whole exchange leaves in one flight
 * (the greeting offers only the method the source uses) and {@link Socks5ReplyFramer} cuts the
 * replies apart; in lock-step ({@link HandshakeContext#lockstep()}) each request waits for the
 * previous reply and the greeting offers no-auth first and username/password when configured,
 * as KumoMTA does. Requests are encoded by Netty's {@link Socks5ClientEncoder}, replies decoded
 * by Netty's decoders, swapped per step; {@link Socks5VersionGuard} checks each reply's version
 * byte first.
 */
final class Socks5Handshake extends ChannelInboundHandlerAdapter {
  static final String ENCODER = "socks5-encoder";
  static final String GUARD = "socks5-guard";
  static final String DECODER = "socks5-decoder";
  static final String HANDLER = "socks5-handshake";





  private final HandshakeContext context;
  private final Route.Socks5 route;
  private final Socks5VersionGuard guard = new Socks5VersionGuard();
  private final boolean lockstep;
  private ChannelHandlerContext ctx;
  private Socks5Texts.Step state = Socks5Texts.Step.METHOD;

  private Socks5Handshake(HandshakeContext context, Route.Socks5 route) {
    this.context = context;
    this.route = route;
    this.lockstep = context.lockstep();
  }

  /**
   * Adds the codec and this handler before the connector's hand-off and sends the greeting, or
   * (unless the context asks for lock-step) the whole exchange in one flight.
   */
  static void install(Channel channel, HandshakeContext context, Route.Socks5 route) {
    Socks5Handshake handshake = new Socks5Handshake(context, route);
    ChannelPipeline p = channel.pipeline();
    p.addBefore(HandshakeContext.HANDOFF, ENCODER, Socks5ClientEncoder.DEFAULT);
    if (!handshake.lockstep) {
      p.addBefore(HandshakeContext.HANDOFF, Socks5ReplyFramer.NAME,
          new Socks5ReplyFramer(handshake.expectedReplies()));
    }
    p.addBefore(HandshakeContext.HANDOFF, GUARD, handshake.guard);
    p.addBefore(HandshakeContext.HANDOFF, DECODER, new Socks5InitialResponseDecoder());
    p.addBefore(HandshakeContext.HANDOFF, HANDLER, handshake);
    if (handshake.lockstep) {
      handshake.sendGreeting();
    } else {
      handshake.sendAll();
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  private void sendGreeting() {
    List<Socks5AuthMethod> methods = route.credentials().isPresent()
        ? List.of(Socks5AuthMethod.NO_AUTH, Socks5AuthMethod.PASSWORD)
        : List.of(Socks5AuthMethod.NO_AUTH);
    expectVersion5();
    send(new DefaultSocks5InitialRequest(methods), "waiting for the SOCKS5 method reply");
  }

  /** The replies of a one-flight exchange, in order. */
  private List<Socks5ReplyFramer.Reply> expectedReplies() {
    List<Socks5ReplyFramer.Reply> replies = new ArrayList<>(4);
    replies.add(Socks5ReplyFramer.Reply.METHOD);
    if (route.credentials().isPresent()) {
      replies.add(Socks5ReplyFramer.Reply.AUTH);
    }
    if (route.sourceAddress().isPresent()) {
      replies.add(Socks5ReplyFramer.Reply.COMMAND);
    }
    replies.add(Socks5ReplyFramer.Reply.COMMAND);
    return replies;
  }

  /**
   * One flight: the greeting offering only the method we will use, the RFC 1929 frame, BIND and
   * CONNECT, written together and flushed once; the replies are then read in order.
   */
  private void sendAll() {
    Optional<Socks5Credentials> credentials = route.credentials();
    ByteBuf auth = null;
    if (credentials.isPresent()) {
      auth = credentialsFrame(credentials.get());
      if (auth == null) {
        return; // failed; nothing was sent
      }
    }
    expectVersion5();
    write(credentials.isPresent() ? Socks5Requests.OFFER_PASSWORD : Socks5Requests.OFFER_NO_AUTH);
    if (auth != null) {
      write(auth);
    }
    Optional<InetAddress> source = route.sourceAddress();
    if (source.isPresent()) {
      write(Socks5Requests.command(Socks5CommandType.BIND, new InetSocketAddress(source.get(), 0)));
    }
    send(Socks5Requests.command(Socks5CommandType.CONNECT, context.destination()),
        Socks5Texts.phaseOf(Socks5Texts.Step.METHOD));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (state == Socks5Texts.Step.DONE) {
        return; // already failed; the channel is closing
      }
      if (msg instanceof Socks5InitialResponse r && state == Socks5Texts.Step.METHOD) {
        onMethod(r);
      } else if (msg instanceof Socks5PasswordAuthResponse r && state == Socks5Texts.Step.AUTH) {
        onAuth(r);
      } else if (msg instanceof Socks5CommandResponse r && state == Socks5Texts.Step.BIND) {
        onBind(r);
      } else if (msg instanceof Socks5CommandResponse r && state == Socks5Texts.Step.CONNECT) {
        onConnect(r);
      } else {
        fail(FailureKind.PROXY_PROTOCOL_ERROR, "unexpected data from the proxy while "
            + Socks5Texts.phaseOf(state), null);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(FailureKind.PROXY_PROTOCOL_ERROR, reasonOf(cause), cause);
  }

  private void onMethod(Socks5InitialResponse reply) {
    if (failedDecoding(reply.decoderResult())) {
      return;
    }
    Socks5AuthMethod method = reply.authMethod();
    boolean withCredentials = route.credentials().isPresent();
    if (method.equals(Socks5AuthMethod.NO_AUTH) && (lockstep || !withCredentials)) {
      afterAuthentication();
    } else if (method.equals(Socks5AuthMethod.PASSWORD) && withCredentials) {
      expectAuthReply();
      if (lockstep) {
        ByteBuf frame = credentialsFrame(route.credentials().get());
        if (frame != null) {
          send(frame, Socks5Texts.phaseOf(Socks5Texts.Step.AUTH));
        }
      } else {
        context.enterPhase(Socks5Texts.phaseOf(Socks5Texts.Step.AUTH));
      }
    } else if (method.equals(Socks5AuthMethod.PASSWORD)) {
      fail(FailureKind.PROXY_AUTH_REJECTED,
          "server responded with UsernamePassword method when we didn't ask for it", null);
    } else if (method.equals(Socks5AuthMethod.NO_AUTH)) {
      fail(FailureKind.PROXY_AUTH_REJECTED,
          "server responded with NoAuth method when we offered only UsernamePassword", null);
    } else {
      fail(FailureKind.PROXY_AUTH_REJECTED,
          "incompatible SOCKS5 authentication " + Socks5Texts.methodName(method.byteValue() & 0xff), null);
    }
  }

  private void expectAuthReply() {
    ctx.pipeline().replace(DECODER, DECODER, new Socks5PasswordAuthResponseDecoder());
    guard.expect(0x01, b -> "invalid SOCKS5 UsernamePassword response packet [" + b + "]");
    state = Socks5Texts.Step.AUTH;
  }

  /** The RFC 1929 frame, or null after failing the handshake (the password is never sent then). */
  private ByteBuf credentialsFrame(Socks5Credentials credentials) {
    try {
      return Rfc1929Frame.encode(ctx.alloc(), credentials);
    } catch (Rfc1929Frame.Unusable e) {
      fail(e.kind(), e.getMessage(), e.getCause());
      return null;
    }
  }

  private void onAuth(Socks5PasswordAuthResponse reply) {
    if (failedDecoding(reply.decoderResult())) {
      return;
    }
    if (!reply.status().equals(Socks5PasswordAuthStatus.SUCCESS)) {
      fail(FailureKind.PROXY_AUTH_REJECTED, "SOCKS5 username/password was incorrect", null);
      return;
    }
    afterAuthentication();
  }

  private void afterAuthentication() {
    Optional<InetAddress> source = route.sourceAddress();
    if (source.isPresent()) {
      state = Socks5Texts.Step.BIND;
      sendCommand(Socks5CommandType.BIND, new InetSocketAddress(source.get(), 0));
    } else {
      state = Socks5Texts.Step.CONNECT;
      sendCommand(Socks5CommandType.CONNECT, context.destination());
    }
  }

  /** Arms the decoder for the command reply; sends the request too in lock-step. */
  private void sendCommand(Socks5CommandType type, InetSocketAddress target) {
    ctx.pipeline().replace(DECODER, DECODER, new Socks5CommandResponseDecoder(Socks5Requests.ADDRESSES));
    expectVersion5();
    if (lockstep) {
      send(Socks5Requests.command(type, target), Socks5Texts.phaseOf(state));
    } else {
      context.enterPhase(Socks5Texts.phaseOf(state));
    }
  }

  private void onBind(Socks5CommandResponse reply) {
    if (failedDecoding(reply.decoderResult()) || invalidStatus(reply)) {
      return;
    }
    if (!reply.status().equals(Socks5CommandStatus.SUCCESS)) {
      fail(FailureKind.PROXY_BIND_REJECTED, "The proxy server failed to bind "
          + IpLiterals.format(route.sourceAddress().orElseThrow()) + " via socks5 proxy "
          + IpLiterals.format(context.transport()) + ": " + Socks5Texts.debug(reply), null);
      return;
    }
    // The BIND reply's address is informational only (KumoMTA logs it).
    state = Socks5Texts.Step.CONNECT;
    sendCommand(Socks5CommandType.CONNECT, context.destination());
  }

  private void onConnect(Socks5CommandResponse reply) {
    if (failedDecoding(reply.decoderResult()) || invalidStatus(reply)) {
      return;
    }
    if (!reply.status().equals(Socks5CommandStatus.SUCCESS)) {
      String from = route.sourceAddress().map(IpLiterals::format).orElse("(proxy's choice)");
      fail(FailureKind.DESTINATION_FAILED, "failed to connect " + from + " -> "
          + IpLiterals.format(context.destination()) + " via socks5 proxy "
          + IpLiterals.format(context.transport()) + ": " + Socks5Texts.debug(reply), null);
      return;
    }
    if (reply.bndAddrType().equals(Socks5AddressType.DOMAIN)) {
      fail(FailureKind.PROXY_PROTOCOL_ERROR, "Domain not supported", null);
      return;
    }
    InetAddress bound = NetUtil.createInetAddressFromIpAddressString(reply.bndAddr());
    if (bound == null) {
      fail(FailureKind.PROXY_PROTOCOL_ERROR, "invalid bound address " + reply.bndAddr(), null);
      return;
    }
    state = Socks5Texts.Step.DONE;
    ChannelPipeline p = ctx.pipeline();
    p.remove(this);
    if (!lockstep) {
      p.remove(Socks5ReplyFramer.NAME);
    }
    p.remove(DECODER);
    p.remove(GUARD);
    p.remove(ENCODER);
    context.succeed(new SourceAddressInfo(new InetSocketAddress(bound, reply.bndPort()), "socks5",
        Optional.of(context.transport())));
  }

  private boolean invalidStatus(Socks5CommandResponse reply) {
    int status = reply.status().byteValue() & 0xff;
    if (status < Socks5Texts.STATUS.size()) {
      return false;
    }
    fail(FailureKind.PROXY_PROTOCOL_ERROR, String.format("invalid status %02X", status), null);
    return true;
  }

  private boolean failedDecoding(DecoderResult result) {
    if (result.isSuccess()) {
      return false;
    }
    fail(FailureKind.PROXY_PROTOCOL_ERROR, reasonOf(result.cause()), result.cause());
    return true;
  }

  /** Writes {@code message} after anything {@link #write written} before, and flushes. */
  private void send(Object message, String phase) {
    context.enterPhase(phase);
    ctx.writeAndFlush(message).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
  }

  /** Writes without flushing: one flight leaves in one flush (one segment on the wire). */
  private void write(Object message) {
    ctx.write(message).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
  }

  private void expectVersion5() {
    guard.expect(0x05, b -> String.format("invalid SOCKS version %02X, expected 05", b));
  }

  private void fail(FailureKind kind, String reason, Throwable cause) {
    state = Socks5Texts.Step.DONE;
    context.fail(kind, reason, cause);
  }

  private String reasonOf(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof Socks5ProtocolException) {
        return t.getMessage();
      }
    }
    String detail = cause.getMessage() == null ? cause.getClass().getSimpleName()
        : cause.getMessage();
    return (cause instanceof DecoderException ? "invalid SOCKS5 reply while "
        : "I/O error while ") + Socks5Texts.phaseOf(state) + ": " + detail;
  }
}
