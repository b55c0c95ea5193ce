package dev.egresskit.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * The BIND and CONNECT requests of one handshake (spec §3.3): checks them against the
 * configured allow-lists and destination rule, creates and binds the outbound socket, dials,
 * and answers each step. Confined to the channel's event loop (the outbound socket is
 * registered on the same loop).
 */
final class OutboundDialer {

  private final Socks5HandshakeHandler handshake;
  private final ServerContext server;
  private final ProxyConfig config;
  private final ConnectionRecord record;
  private final ChannelHandlerContext ctx;

  OutboundDialer(Socks5HandshakeHandler handshake, ServerContext server, ConnectionRecord record,
      ChannelHandlerContext ctx) {
    this.handshake = handshake;
    this.server = server;
    this.config = server.config();
    this.record = record;
    this.ctx = ctx;
  }

  /** BIND in KumoProxy's sense: create the outbound socket and bind it to the requested source. */
  void onBind(Socks5CommandRequest request) {
    if (record.outbound() != null) {
      handshake.fail(Socks5CommandStatus.FAILURE, Outcome.BAD_SEQUENCE);
      return;
    }
    InetAddress ip = RequestAddresses.ipOf(request);
    if (ip == null) {
      handshake.fail(Socks5CommandStatus.FAILURE, Outcome.DOMAIN_NOT_SUPPORTED);
      return;
    }
    InetSocketAddress source = new InetSocketAddress(ip, request.dstPort());
    record.requestedSource(source);
    if (!config.sourceAllowed(ip)) {
      handshake.fail(Socks5CommandStatus.FORBIDDEN, Outcome.SOURCE_NOT_ALLOWED);
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
        if (handshake.phase() != HandshakePhase.HANDLING) {
          return;
        }
        handshake.cancelTimer();
        InetSocketAddress local = outbound.localAddress();
        record.outboundLocal(local);
        ctx.write(SocksReplies.success(local));
        handshake.expectRequest();
        // A CONNECT pipelined behind this BIND reaches the handshake only after this returns
        // (Netty's decoder passes the bytes after a request on once the request is handled), so
        // flushing here would send the BIND reply alone and wake the client twice. Decide once
        // the current read is handled: a dialling CONNECT's reply takes this one along.
        ctx.executor().execute(handshake::flushUnlessDialling);
      });
    });
  }

  /** CONNECT: dial from the bound socket, or from a fresh one when no BIND came first. */
  void onConnect(Socks5CommandRequest request) {
    InetAddress ip = RequestAddresses.ipOf(request);
    if (ip == null) {
      handshake.fail(Socks5CommandStatus.FAILURE, Outcome.DOMAIN_NOT_SUPPORTED);
      return;
    }
    InetSocketAddress destination = new InetSocketAddress(ip, request.dstPort());
    record.destination(destination);
    if (!config.portAllowed(request.dstPort())) {
      handshake.fail(Socks5CommandStatus.FORBIDDEN, Outcome.PORT_NOT_ALLOWED);
      return;
    }
    String refusal = config.destinations().refusal(ip);
    if (refusal != null) {
      record.error(refusal);
      handshake.fail(Socks5CommandStatus.FORBIDDEN, Outcome.DESTINATION_NOT_ALLOWED);
      return;
    }
    armHandlingTimer();
    Channel bound = record.outbound();
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
      if (handshake.phase() != HandshakePhase.HANDLING) {
        return;
      }
      handshake.cancelTimer();
      InetSocketAddress local = (InetSocketAddress) outbound.localAddress();
      record.outboundLocal(local);
      ctx.writeAndFlush(SocksReplies.success(local));
      handshake.startRelay(outbound);
    });
  }

  private SocketChannel newOutbound(InetAddress family) {
    SocketChannel outbound = server.backend().newSocketChannel(
        family instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6);
    Duration connectTimeout = config.timeouts().connect();
    // Netty's socket channels start with TCP_NODELAY on (setting it again is one more syscall).
    outbound.config()
        .setKeepAlive(server.backend().keepAlive())
        .setAllowHalfClosure(true)
        .setAutoRead(false)
        .setConnectTimeoutMillis((int) connectTimeout.toMillis());
    for (Map.Entry<ChannelOption<Integer>, Integer> option : server.backend().keepAliveTuning().entrySet()) {
      outbound.config().setOption(option.getKey(), option.getValue());
    }
    record.attachOutbound(outbound);
    return outbound;
  }

  private void outboundFailed(Channel outbound, Throwable cause, Outcome outcome) {
    if (outbound.isRegistered()) {
      outbound.close();
    } else {
      record.discardUnregistered(outbound);
    }
    if (handshake.phase() != HandshakePhase.HANDLING) {
      return;
    }
    record.error(cause);
    Socks5CommandStatus status = SocksReplies.statusFor(cause);
    handshake.fail(status,
        status.equals(Socks5CommandStatus.TTL_EXPIRED) ? Outcome.CONNECT_TIMEOUT : outcome);
  }

  private void armHandlingTimer() {
    // Netty's connect timeout would answer 06 too; this one also covers registration and bind.
    handshake.arm(config.timeouts().connect(),
        () -> handshake.fail(Socks5CommandStatus.TTL_EXPIRED, Outcome.CONNECT_TIMEOUT));
  }
}
