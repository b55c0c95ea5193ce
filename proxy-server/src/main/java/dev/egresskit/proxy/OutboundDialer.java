package dev.egresskit.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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

  /**
   * BIND in KumoProxy's sense: create the outbound socket and bind it to the requested source.
   *
   * @param ip the requested address, or null for a domain name
   */
  void onBind(InetAddress ip, int port) {
    if (record.outbound() != null) {
      handshake.fail(SocksReplies.FAILURE, Outcome.BAD_SEQUENCE);
      return;
    }
    if (ip == null) {
      handshake.fail(SocksReplies.FAILURE, Outcome.DOMAIN_NOT_SUPPORTED);
      return;
    }
    InetSocketAddress source = new InetSocketAddress(ip, port);
    record.requestedSource(source);
    if (!config.sourceAllowed(ip)) {
      handshake.fail(SocksReplies.FORBIDDEN, Outcome.SOURCE_NOT_ALLOWED);
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
        // Sent once the handshake next waits for the client: a CONNECT already held dials
        // first, and its reply takes this one along (one segment, one wake-up of the client).
        SocksReplies.success(handshake.replies(), local);
        handshake.expectRequest();
      });
    });
  }

  /**
   * CONNECT: dial from the bound socket, or from a fresh one when no BIND came first.
   *
   * @param ip the destination address, or null for a domain name (never resolved)
   */
  void onConnect(InetAddress ip, int port) {
    if (ip == null) {
      handshake.fail(SocksReplies.FAILURE, Outcome.DOMAIN_NOT_SUPPORTED);
      return;
    }
    InetSocketAddress destination = new InetSocketAddress(ip, port);
    record.destination(destination);
    if (!config.portAllowed(port)) {
      handshake.fail(SocksReplies.FORBIDDEN, Outcome.PORT_NOT_ALLOWED);
      return;
    }
    String refusal = config.destinations().refusal(ip);
    if (refusal != null) {
      record.error(refusal);
      handshake.fail(SocksReplies.FORBIDDEN, Outcome.DESTINATION_NOT_ALLOWED);
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
    // Reads are armed by the dial's own epoll_ctl, not by one more when the relay starts.
    EpollInterest.readOnceConnected(outbound);
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
      SocksReplies.success(handshake.replies(), local);
      handshake.startRelay(outbound);
    });
  }

  private SocketChannel newOutbound(InetAddress family) {
    SocketChannel outbound = server.backend().newSocketChannel(
        family instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6);
    // Netty's socket channels start with TCP_NODELAY on (setting it again is one more syscall).
    // No connect timeout of Netty's own (a task scheduled and cancelled per dial): the
    // handshake's timer, armed for the connect timeout before the dial, answers 06 first.
    outbound.config()
        .setKeepAlive(server.backend().keepAlive())
        .setAllowHalfClosure(true)
        .setRecvByteBufAllocator(RelayReads.ALLOCATOR)
        .setAutoRead(false)
        .setConnectTimeoutMillis(0);
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
    int status = SocksReplies.statusFor(cause);
    handshake.fail(status, status == SocksReplies.TTL_EXPIRED ? Outcome.CONNECT_TIMEOUT : outcome);
  }

  private void armHandlingTimer() {
    // The dial's only timeout (Netty's is off): it also covers registration and bind.
    handshake.arm(config.timeouts().connect(),
        () -> handshake.fail(SocksReplies.TTL_EXPIRED, Outcome.CONNECT_TIMEOUT));
  }
}
