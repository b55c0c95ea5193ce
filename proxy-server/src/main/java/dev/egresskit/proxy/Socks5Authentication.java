package dev.egresskit.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;

/**
 * The greeting and RFC 1929 steps of one handshake (spec §3.2): picks the method, then sends the
 * attempt through the server's {@link AuthGate} and answers its decision. Confined to the
 * channel's event loop; decisions made on a worker thread are handed back to it.
 */
final class Socks5Authentication {

  private final Socks5HandshakeHandler handshake;
  private final ServerContext server;
  private final ProxyConfig config;
  private final ConnectionRecord record;
  private final ChannelHandlerContext ctx;
  private AuthGate.Ticket ticket;

  Socks5Authentication(Socks5HandshakeHandler handshake, ServerContext server,
      ConnectionRecord record, ChannelHandlerContext ctx) {
    this.handshake = handshake;
    this.server = server;
    this.config = server.config();
    this.record = record;
    this.ctx = ctx;
  }

  /** The greeting offered these methods: pick one (spec §3.2). */
  void onGreeting(boolean password, boolean noAuth) {
    if (password) {
      // A client that offers username/password is always authenticated, even when auth is
      // optional: the same rule as KumoProxy.
      // Written now, sent when the handshake next waits for the client (or with the next
      // reply): a pipelining client gets its replies in one segment.
      SocksReplies.method(handshake.replies(), SocksReplies.PASSWORD);
      handshake.expect(HandshakePhase.AUTH, config.timeouts().auth(), Outcome.AUTH_TIMEOUT);
    } else if (!config.requireAuth() && noAuth) {
      SocksReplies.method(handshake.replies(), SocksReplies.NO_AUTH);
      handshake.expectRequest();
    } else {
      SocksReplies.method(handshake.replies(), SocksReplies.NO_ACCEPTABLE_METHOD);
      handshake.refuse(Outcome.NO_ACCEPTABLE_METHOD);
    }
  }

  /** The RFC 1929 request arrived: check it through the gate (secrets: never log them). */
  void onAuth(String user, String password) {
    AuthGate gate = server.authGate();
    if (gate == null) {
      answer(user, AuthGate.Decision.of(AuthVerdict.refuse(false)));
      return;
    }
    Channel channel = ctx.channel();
    AuthAttempt attempt = new AuthAttempt(user, password,
        (InetSocketAddress) channel.remoteAddress(), (InetSocketAddress) channel.localAddress());
    // The auth timer keeps running while the check waits and runs.
    ticket = gate.submit(attempt, decision -> {
      try {
        channel.eventLoop().execute(() -> answer(user, decision));
      } catch (RejectedExecutionException e) {
        channel.close(); // the server is shutting down
      }
    });
  }

  /** The client went away or the handshake ended: its pending check is dropped. */
  void abandon() {
    if (ticket != null) {
      ticket.cancel();
      ticket = null;
    }
  }

  private void answer(String user, AuthGate.Decision decision) {
    ticket = null;
    if (handshake.phase() != HandshakePhase.CHECKING || !ctx.channel().isActive()) {
      return;
    }
    handshake.cancelTimer();
    AuthVerdict verdict = decision.verdict();
    // A refused name that is not a known user may be a password typed into the user field.
    record.user(verdict.accepted() || verdict.knownUser() ? user : null, verdict);
    if (verdict.accepted()) {
      SocksReplies.auth(handshake.replies(), SocksReplies.AUTH_SUCCESS);
      handshake.expectRequest();
    } else {
      if (decision.error() != null) {
        record.error(decision.error());
      }
      SocksReplies.auth(handshake.replies(), SocksReplies.AUTH_REFUSED);
      handshake.refuse(decision.refusal());
    }
  }
}
