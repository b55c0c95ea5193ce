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
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The client side of SOCKS5 (spec §2.5): greeting; RFC 1929; then, with a SOCKS5 source address,
 * BIND(source, port 0) followed by CONNECT(destination) on the same connection (KumoProxy's
 * dialect), or a plain CONNECT without one. By default the whole exchange leaves in one flight,
 * one buffer (the greeting offers only the method the source uses), and the replies are read in
 * order however they are segmented; in lock-step ({@link HandshakeContext#lockstep()}) each
 * request waits for the previous reply and the greeting offers no-auth first and
 * username/password when configured, as KumoMTA does.
 *
 * <p>One handler does it all: requests are written from the addresses' bytes, replies parsed in
 * place (no codec, no decoder swapped per step, no address text parsed back). Bytes after the
 * last reply (an SMTP banner sharing the segment) are handed on when it leaves the pipeline.
 */
final class Socks5Handshake extends ByteToMessageDecoder {
  static final String HANDLER = "socks5-handshake";

  private static final int AUTH_VERSION = 0x01;

  private final HandshakeContext context;
  private final Route.Socks5 route;
  private final boolean lockstep;
  private ChannelHandlerContext ctx;
  private Socks5Texts.Step state = Socks5Texts.Step.METHOD;
  private boolean succeeded;

  private Socks5Handshake(HandshakeContext context, Route.Socks5 route) {
    this.context = context;
    this.route = route;
    this.lockstep = context.lockstep();
  }

  /**
   * Adds this handler before the connector's hand-off and sends the greeting, or (unless the
   * context asks for lock-step) the whole exchange in one flight.
   */
  static void install(Channel channel, HandshakeContext context, Route.Socks5 route) {
    Socks5Handshake handshake = new Socks5Handshake(context, route);
    channel.pipeline().addBefore(HandshakeContext.HANDOFF, HANDLER, handshake);
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
    ByteBuf greeting = ctx.alloc().buffer(4);
    Socks5Requests.offerBoth(greeting, route.credentials().isPresent());
    send(greeting, Socks5Texts.phaseOf(Socks5Texts.Step.METHOD));
  }

  /**
   * One flight: the greeting offering only the method we will use, the RFC 1929 frame, BIND and
   * CONNECT, in one buffer and one flush; the replies are then read in order.
   */
  private void sendAll() {
    Optional<Socks5Credentials> credentials = route.credentials();
    ByteBuf flight = ctx.alloc().buffer(Socks5Requests.MAX_REQUESTS_LENGTH
        + (credentials.isPresent() ? Rfc1929Frame.MAX_LENGTH : 0));
    if (credentials.isPresent()) {
      Socks5Requests.offer(flight, Socks5Requests.PASSWORD);
      try {
        Rfc1929Frame.write(flight, credentials.get());
      } catch (Rfc1929Frame.Unusable e) {
        flight.release(); // nothing was sent, the password never was
        fail(e.kind(), e.getMessage(), e.getCause());
        return;
      }
    } else {
      Socks5Requests.offer(flight, Socks5Requests.NO_AUTH);
    }
    Optional<InetAddress> source = route.sourceAddress();
    if (source.isPresent()) {
      Socks5Requests.command(flight, Socks5Requests.BIND, source.get(), 0);
    }
    InetSocketAddress destination = context.destination();
    Socks5Requests.command(flight, Socks5Requests.CONNECT, destination.getAddress(),
        destination.getPort());
    send(flight, Socks5Texts.phaseOf(Socks5Texts.Step.METHOD));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      if (state == Socks5Texts.Step.DONE) {
        // Succeeded: this handler is on its way out and what is left (the session's first
        // bytes) goes on when it leaves. Failed: the channel is closing, drop the rest.
        if (!succeeded) {
          in.skipBytes(in.readableBytes());
        }
        return;
      }
      if (!versionMatches(in)) {
        return;
      }
      if (state == Socks5Texts.Step.METHOD || state == Socks5Texts.Step.AUTH) {
        if (in.readableBytes() < 2) {
          return;
        }
        in.skipBytes(1);
        int value = in.readUnsignedByte();
        if (state == Socks5Texts.Step.METHOD) {
          onMethod(value);
        } else {
          onAuth(value);
        }
      } else if (!commandReply(in)) {
        return;
      }
    }
  }

  /** The reply's first byte is the version its step expects; fails the handshake otherwise. */
  private boolean versionMatches(ByteBuf in) {
    int actual = in.getUnsignedByte(in.readerIndex());
    if (state == Socks5Texts.Step.AUTH) {
      if (actual == AUTH_VERSION) {
        return true;
      }
      fail(FailureKind.PROXY_PROTOCOL_ERROR,
          "invalid SOCKS5 UsernamePassword response packet [" + actual + "]", null);
    } else {
      if (actual == Socks5Requests.VERSION) {
        return true;
      }
      fail(FailureKind.PROXY_PROTOCOL_ERROR,
          String.format("invalid SOCKS version %02X, expected 05", actual), null);
    }
    in.skipBytes(in.readableBytes());
    return false;
  }

  /**
   * {@code VER REP RSV ATYP ADDR PORT}, read once whole.
   *
   * @return false when more bytes are needed, or the handshake failed
   */
  private boolean commandReply(ByteBuf in) {
    int start = in.readerIndex();
    int readable = in.readableBytes();
    if (readable < 4) {
      return false;
    }
    int type = in.getUnsignedByte(start + 3);
    int addressLength;
    int addressAt = start + 4;
    switch (type) {
      case 0x01 -> addressLength = 4;
      case 0x04 -> addressLength = 16;
      case 0x03 -> {
        if (readable < 5) {
          return false;
        }
        addressLength = in.getUnsignedByte(start + 4);
        addressAt++;
      }
      default -> {
        fail(FailureKind.PROXY_PROTOCOL_ERROR, String.format("invalid address type %02X", type),
            null);
        in.skipBytes(readable);
        return false;
      }
    }
    int length = addressAt - start + addressLength + 2;
    if (readable < length) {
      return false;
    }
    int status = in.getUnsignedByte(start + 1);
    int port = in.getUnsignedShort(addressAt + addressLength);
    byte[] address = type == 0x03 ? null : new byte[addressLength];
    String domain = null;
    if (address != null) {
      in.getBytes(addressAt, address);
    } else {
      domain = in.toString(addressAt, addressLength, StandardCharsets.US_ASCII);
    }
    in.skipBytes(length);
    if (status >= Socks5Texts.STATUS.size()) {
      fail(FailureKind.PROXY_PROTOCOL_ERROR, String.format("invalid status %02X", status), null);
      return false;
    }
    if (state == Socks5Texts.Step.BIND) {
      onBind(status, address, domain, port);
    } else {
      onConnect(status, address, domain, port);
    }
    return true;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(FailureKind.PROXY_PROTOCOL_ERROR, reasonOf(cause), cause);
  }

  private void onMethod(int method) {
    boolean withCredentials = route.credentials().isPresent();
    if (method == Socks5Requests.NO_AUTH && (lockstep || !withCredentials)) {
      afterAuthentication();
    } else if (method == Socks5Requests.PASSWORD && withCredentials) {
      state = Socks5Texts.Step.AUTH;
      if (lockstep) {
        ByteBuf frame = credentialsFrame(route.credentials().get());
        if (frame != null) {
          send(frame, Socks5Texts.phaseOf(Socks5Texts.Step.AUTH));
        }
      } else {
        context.enterPhase(Socks5Texts.phaseOf(Socks5Texts.Step.AUTH));
      }
    } else if (method == Socks5Requests.PASSWORD) {
      fail(FailureKind.PROXY_AUTH_REJECTED,
          "server responded with UsernamePassword method when we didn't ask for it", null);
    } else if (method == Socks5Requests.NO_AUTH) {
      fail(FailureKind.PROXY_AUTH_REJECTED,
          "server responded with NoAuth method when we offered only UsernamePassword", null);
    } else {
      fail(FailureKind.PROXY_AUTH_REJECTED,
          "incompatible SOCKS5 authentication " + Socks5Texts.methodName(method), null);
    }
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

  private void onAuth(int status) {
    if (status != 0x00) {
      fail(FailureKind.PROXY_AUTH_REJECTED, "SOCKS5 username/password was incorrect", null);
      return;
    }
    afterAuthentication();
  }

  private void afterAuthentication() {
    Optional<InetAddress> source = route.sourceAddress();
    if (source.isPresent()) {
      state = Socks5Texts.Step.BIND;
      sendCommand(Socks5Requests.BIND, source.get(), 0);
    } else {
      state = Socks5Texts.Step.CONNECT;
      InetSocketAddress destination = context.destination();
      sendCommand(Socks5Requests.CONNECT, destination.getAddress(), destination.getPort());
    }
  }

  /** Waits for the command reply; sends the request too in lock-step. */
  private void sendCommand(int command, InetAddress address, int port) {
    if (lockstep) {
      ByteBuf request = ctx.alloc().buffer(4 + 16 + 2);
      send(Socks5Requests.command(request, command, address, port), Socks5Texts.phaseOf(state));
    } else {
      context.enterPhase(Socks5Texts.phaseOf(state));
    }
  }

  private void onBind(int status, byte[] address, String domain, int port) {
    if (status != 0x00) {
      fail(FailureKind.PROXY_BIND_REJECTED, "The proxy server failed to bind "
          + IpLiterals.format(route.sourceAddress().orElseThrow()) + " via socks5 proxy "
          + IpLiterals.format(context.transport()) + ": "
          + Socks5Texts.debug(status, hostText(address, domain), port), null);
      return;
    }
    // The BIND reply's address is informational only (KumoMTA logs it).
    state = Socks5Texts.Step.CONNECT;
    InetSocketAddress destination = context.destination();
    sendCommand(Socks5Requests.CONNECT, destination.getAddress(), destination.getPort());
  }

  private void onConnect(int status, byte[] address, String domain, int port) {
    if (status != 0x00) {
      String from = route.sourceAddress().map(IpLiterals::format).orElse("(proxy's choice)");
      fail(FailureKind.DESTINATION_FAILED, "failed to connect " + from + " -> "
          + IpLiterals.format(context.destination()) + " via socks5 proxy "
          + IpLiterals.format(context.transport()) + ": "
          + Socks5Texts.debug(status, hostText(address, domain), port), null);
      return;
    }
    if (address == null) {
      fail(FailureKind.PROXY_PROTOCOL_ERROR, "Domain not supported", null);
      return;
    }
    InetAddress bound;
    try {
      bound = InetAddress.getByAddress(address);
    } catch (UnknownHostException e) {
      fail(FailureKind.PROXY_PROTOCOL_ERROR, "invalid bound address", e);
      return;
    }
    state = Socks5Texts.Step.DONE;
    succeeded = true;
    // Leaving from inside decode: Netty hands what follows the reply on once decode returns.
    ctx.pipeline().remove(this);
    context.succeed(new SourceAddressInfo(new InetSocketAddress(bound, port), "socks5",
        Optional.of(context.transport())));
  }

  /** The bound address as the {@code socksv5} crate prints it. */
  private static String hostText(byte[] address, String domain) {
    return address == null ? domain : NetUtil.bytesToIpAddress(address);
  }

  /** Writes and flushes {@code message}, entering the phase that waits for its reply. */
  private void send(ByteBuf message, String phase) {
    context.enterPhase(phase);
    ctx.writeAndFlush(message).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
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
