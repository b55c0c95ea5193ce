package dev.egresskit.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * The greeting and RFC 1929 steps of one handshake (spec §3.2): picks the method, then sends the
 * attempt through the server's {@link AuthGate} and answers its decision. Confined to the
 * channel's event loop; decisions made on a worker thread are handed back to it.
 */
final class Socks5Authentication {

  // KumoProxy answers a failed RFC 1929 check with 01 01 (Netty's FAILURE constant is FF).
  private static final Socks5PasswordAuthStatus AUTH_REFUSED = Socks5PasswordAuthStatus.valueOf((byte) 1);

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

  void onGreeting(Socks5InitialRequest greeting) {
    if (greeting.decoderResult().isFailure()) {
      // Wrong version or no methods at all: KumoProxy ends the session without a reply.
      record.error(greeting.decoderResult().cause());
      handshake.close(Outcome.PROTOCOL_ERROR);
      return;
    }
    List<Socks5AuthMethod> methods = greeting.authMethods();
    if (methods.contains(Socks5AuthMethod.PASSWORD)) {
      // A client that offers username/password is always authenticated, even when auth is
      // optional: the same rule as KumoProxy.
      // Written now, flushed when the handshake next waits for the client (or with the next
      // reply): a pipelined client gets its replies in one segment.
      ctx.write(new DefaultSocks5InitialResponse(Socks5AuthMethod.PASSWORD));
      handshake.expect(new Socks5PasswordAuthRequestDecoder(), HandshakePhase.AUTH,
          config.timeouts().auth(), Outcome.AUTH_TIMEOUT);
    } else if (!config.requireAuth() && methods.contains(Socks5AuthMethod.NO_AUTH)) {
      ctx.write(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
      handshake.expectRequest();
    } else {
      handshake.refuse(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED),
          Outcome.NO_ACCEPTABLE_METHOD);
    }
  }

  void onAuth(Socks5PasswordAuthRequest auth) {
    if (auth.decoderResult().isFailure()) {
      record.error(auth.decoderResult().cause());
      handshake.close(Outcome.PROTOCOL_ERROR);
      return;
    }
    AuthGate gate = server.authGate();
    if (gate == null) {
      answer(auth.username(), AuthGate.Decision.of(AuthVerdict.refuse(false)));
      return;
    }
    Channel channel = ctx.channel();
    String user = auth.username();
    AuthAttempt attempt = new AuthAttempt(user, auth.password(),
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
    if (handshake.phase() != HandshakePhase.AUTH || !ctx.channel().isActive()) {
      return;
    }
    handshake.cancelTimer();
    AuthVerdict verdict = decision.verdict();
    // A refused name that is not a known user may be a password typed into the user field.
    record.user(verdict.accepted() || verdict.knownUser() ? user : null, verdict);
    if (verdict.accepted()) {
      ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
      handshake.expectRequest();
    } else {
      if (decision.error() != null) {
        record.error(decision.error());
      }
      handshake.refuse(new DefaultSocks5PasswordAuthResponse(AUTH_REFUSED), decision.refusal());
    }
  }
}
