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
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandRequest;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5AddressDecoder;
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
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The client side of SOCKS5 as KumoMTA speaks it (spec §2.5): greeting offering no-auth first and
 * username/password when configured; RFC 1929; then, with a SOCKS5 source address, BIND(source,
 * port 0) followed by CONNECT(destination) on the same connection (KumoProxy's dialect), or a
 * plain CONNECT without one. Requests are encoded by Netty's {@link Socks5ClientEncoder}, replies
 * decoded by Netty's decoders, swapped per step; {@link Socks5VersionGuard} checks each reply's
 * version byte first.
 */
final class Socks5Handshake extends ChannelInboundHandlerAdapter {
  static final String ENCODER = "socks5-encoder";
  static final String GUARD = "socks5-guard";
  static final String DECODER = "socks5-decoder";
  static final String HANDLER = "socks5-handshake";

  /** KumoMTA's status names (the {@code socksv5} crate's Debug text), by REP byte. */
  private static final List<String> STATUS = List.of("Success", "ServerFailure",
      "ConnectionNotAllowed", "NetworkUnreachable", "HostUnreachable", "ConnectionRefused",
      "TtlExpired", "CommandNotSupported", "AddrtypeNotSupported");

  /** Netty's address decoder, restricted to the three types RFC 1928 defines. */
  private static final Socks5AddressDecoder ADDRESSES = (type, in) -> {
    if (type != Socks5AddressType.IPv4 && type != Socks5AddressType.IPv6
        && type != Socks5AddressType.DOMAIN) {
      throw new Socks5ProtocolException(
          String.format("invalid address type %02X", type.byteValue() & 0xff));
    }
    return Socks5AddressDecoder.DEFAULT.decodeAddress(type, in);
  };

  private enum State { METHOD, AUTH, BIND, CONNECT, DONE }

  private final HandshakeContext context;
  private final Route.Socks5 route;
  private final Socks5VersionGuard guard = new Socks5VersionGuard();
  private ChannelHandlerContext ctx;
  private State state = State.METHOD;

  private Socks5Handshake(HandshakeContext context, Route.Socks5 route) {
    this.context = context;
    this.route = route;
  }

  /** Adds the codec and this handler before the connector's hand-off and sends the greeting. */
  static void install(Channel channel, HandshakeContext context, Route.Socks5 route) {
    Socks5Handshake handshake = new Socks5Handshake(context, route);
    ChannelPipeline p = channel.pipeline();
    p.addBefore(HandshakeContext.HANDOFF, ENCODER, Socks5ClientEncoder.DEFAULT);
    p.addBefore(HandshakeContext.HANDOFF, GUARD, handshake.guard);
    p.addBefore(HandshakeContext.HANDOFF, DECODER, new Socks5InitialResponseDecoder());
    p.addBefore(HandshakeContext.HANDOFF, HANDLER, handshake);
    handshake.sendGreeting();
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

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (state == State.DONE) {
        return; // already failed; the channel is closing
      }
      if (msg instanceof Socks5InitialResponse r && state == State.METHOD) {
        onMethod(r);
      } else if (msg instanceof Socks5PasswordAuthResponse r && state == State.AUTH) {
        onAuth(r);
      } else if (msg instanceof Socks5CommandResponse r && state == State.BIND) {
        onBind(r);
      } else if (msg instanceof Socks5CommandResponse r && state == State.CONNECT) {
        onConnect(r);
      } else {
        fail(FailureKind.PROXY_PROTOCOL_ERROR, "unexpected data from the proxy while "
            + phaseOf(state), null);
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
    if (method.equals(Socks5AuthMethod.NO_AUTH)) {
      afterAuthentication();
    } else if (method.equals(Socks5AuthMethod.PASSWORD) && route.credentials().isPresent()) {
      sendCredentials(route.credentials().get());
    } else if (method.equals(Socks5AuthMethod.PASSWORD)) {
      fail(FailureKind.PROXY_AUTH_REJECTED,
          "server responded with UsernamePassword method when we didn't ask for it", null);
    } else {
      fail(FailureKind.PROXY_AUTH_REJECTED,
          "incompatible SOCKS5 authentication " + methodName(method.byteValue() & 0xff), null);
    }
  }

  private void sendCredentials(Socks5Credentials credentials) {
    String password;
    try {
      // Read now, on every handshake: a file-backed password may have been rotated.
      password = credentials.password().reveal();
    } catch (Exception e) {
      // The reader's own words (the policy's read rule says why a file is refused); they name
      // the file, never its content.
      fail(FailureKind.SECRET_UNAVAILABLE, "failed to retrieve socks5 password: "
          + (e instanceof java.io.IOException && e.getMessage() != null ? e.getMessage()
              : e.getClass().getSimpleName() + " for " + credentials.password()), e);
      return;
    }
    byte[] user = credentials.username().getBytes(StandardCharsets.UTF_8);
    byte[] pass = password.getBytes(StandardCharsets.UTF_8);
    try {
      if (user.length > 255) {
        fail(FailureKind.PROXY_PROTOCOL_ERROR, "username is too long for SOCKS5 protocol", null);
        return;
      }
      if (pass.length > 255) {
        // KumoMTA reuses the username text here; naming the right field is clearer.
        fail(FailureKind.PROXY_PROTOCOL_ERROR, "password is too long for SOCKS5 protocol", null);
        return;
      }
      // RFC 1929 frame written here rather than by Socks5ClientEncoder, which encodes the
      // credentials as ASCII; KumoProxy expects UTF-8 bytes, with lengths counted in bytes.
      ByteBuf frame = ctx.alloc().buffer(3 + user.length + pass.length);
      frame.writeByte(0x01).writeByte(user.length).writeBytes(user)
          .writeByte(pass.length).writeBytes(pass);
      ctx.pipeline().replace(DECODER, DECODER, new Socks5PasswordAuthResponseDecoder());
      guard.expect(0x01, b -> "invalid SOCKS5 UsernamePassword response packet [" + b + "]");
      state = State.AUTH;
      send(frame, phaseOf(State.AUTH));
    } finally {
      Arrays.fill(pass, (byte) 0);
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
      state = State.BIND;
      sendCommand(Socks5CommandType.BIND, new InetSocketAddress(source.get(), 0));
    } else {
      state = State.CONNECT;
      sendCommand(Socks5CommandType.CONNECT, context.destination());
    }
  }

  private void sendCommand(Socks5CommandType type, InetSocketAddress target) {
    ctx.pipeline().replace(DECODER, DECODER, new Socks5CommandResponseDecoder(ADDRESSES));
    expectVersion5();
    Socks5AddressType addressType = target.getAddress() instanceof Inet6Address
        ? Socks5AddressType.IPv6 : Socks5AddressType.IPv4;
    send(new DefaultSocks5CommandRequest(type, addressType,
        IpLiterals.format(target.getAddress()), target.getPort()), phaseOf(state));
  }

  private void onBind(Socks5CommandResponse reply) {
    if (failedDecoding(reply.decoderResult()) || invalidStatus(reply)) {
      return;
    }
    if (!reply.status().equals(Socks5CommandStatus.SUCCESS)) {
      fail(FailureKind.PROXY_BIND_REJECTED, "The proxy server failed to bind "
          + IpLiterals.format(route.sourceAddress().orElseThrow()) + " via socks5 proxy "
          + IpLiterals.format(context.transport()) + ": " + debug(reply), null);
      return;
    }
    // The BIND reply's address is informational only (KumoMTA logs it).
    state = State.CONNECT;
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
          + IpLiterals.format(context.transport()) + ": " + debug(reply), null);
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
    state = State.DONE;
    ChannelPipeline p = ctx.pipeline();
    p.remove(this);
    p.remove(DECODER);
    p.remove(GUARD);
    p.remove(ENCODER);
    context.succeed(new SourceAddressInfo(new InetSocketAddress(bound, reply.bndPort()), "socks5",
        Optional.of(context.transport())));
  }

  private boolean invalidStatus(Socks5CommandResponse reply) {
    int status = reply.status().byteValue() & 0xff;
    if (status < STATUS.size()) {
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

  private void send(Object message, String phase) {
    context.enterPhase(phase);
    ctx.writeAndFlush(message).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
  }

  private void expectVersion5() {
    guard.expect(0x05, b -> String.format("invalid SOCKS version %02X, expected 05", b));
  }

  private void fail(FailureKind kind, String reason, Throwable cause) {
    state = State.DONE;
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
        : "I/O error while ") + phaseOf(state) + ": " + detail;
  }

  private static String phaseOf(State state) {
    switch (state) {
      case METHOD: return "waiting for the SOCKS5 method reply";
      case AUTH: return "waiting for the SOCKS5 username/password reply";
      case BIND: return "waiting for the SOCKS5 BIND reply";
      case CONNECT: return "waiting for the SOCKS5 CONNECT reply";
      default: return "finishing the SOCKS5 handshake";
    }
  }

  /** The {@code socksv5} crate's names, as KumoMTA prints them. */
  static String methodName(int method) {
    switch (method) {
      case 0x00: return "NoAuth";
      case 0x01: return "GssApi";
      case 0x02: return "UsernamePassword";
      case 0xff: return "NoAcceptableMethod";
      default: return String.format("Other(0x%02X)", method);
    }
  }

  private static String debug(Socks5CommandResponse reply) {
    return "SocksV5Response { status: " + STATUS.get(reply.status().byteValue() & 0xff)
        + ", host: " + reply.bndAddr() + ", port: " + reply.bndPort() + " }";
  }
}
