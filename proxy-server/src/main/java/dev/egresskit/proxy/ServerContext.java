package dev.egresskit.proxy;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import dev.egresskit.core.text.Printable;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything the connections of one running server share. */
final class ServerContext {

  /** The logger of the one line per connection. */
  static final Logger CONNECTIONS = LoggerFactory.getLogger("dev.egresskit.proxy.connections");

  private final ProxyConfig config;
  private final SocketBackend backend;
  private final ProxyMetrics metrics;
  private final AuthGate authGate;
  private final ChannelGroup channels;
  private final String listenerText;
  private final Consumer<String> connectionLog;
  private final AtomicInteger active;
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile boolean closing;
  private boolean splice;

  ServerContext(
      ProxyConfig config,
      SocketBackend backend,
      ProxyMetrics metrics,
      AtomicInteger active,
      AuthGate authGate,
      ChannelGroup channels,
      String listener,
      Consumer<String> connectionLog) {
    this.config = config;
    this.backend = backend;
    this.metrics = metrics;
    this.active = active;
    this.authGate = authGate;
    this.channels = channels;
    this.listenerText = Printable.escape(listener);
    this.connectionLog = connectionLog;
  }

  ProxyConfig config() {
    return config;
  }

  SocketBackend backend() {
    return backend;
  }

  /** Relays use splice(2) where they can; set before the first connection is accepted. */
  void splice(boolean enabled) {
    splice = enabled;
  }

  boolean splice() {
    return splice;
  }

  ProxyMetrics metrics() {
    return metrics;
  }

  /** The authentication path, or null when no authenticator is configured. */
  AuthGate authGate() {
    return authGate;
  }

  boolean closing() {
    return closing;
  }

  CompletableFuture<Void> drained() {
    return drained;
  }

  /**
   * Sets up a freshly accepted client connection. Any channel type works (tests drive the
   * handshake on an {@code EmbeddedChannel}), though only socket channels are ever accepted.
   */
  void accept(Channel channel) {
    metrics.accepted();
    active.incrementAndGet();
    channels.add(channel);
    ConnectionRecord session = new ConnectionRecord(this, channel);
    channel.attr(ConnectionRecord.KEY).set(session);
    channel.pipeline().addLast(Socks5HandshakeHandler.NAME, new Socks5HandshakeHandler(this, session));
  }

  /** Tracks an outbound socket so that a forced shutdown closes it. */
  void track(Channel outbound) {
    channels.add(outbound);
  }

  /** Counts and logs a session once its last channel has closed. */
  void finish(ConnectionRecord session) {
    Outcome outcome = session.finalOutcome();
    if (session.relaying()) {
      metrics.completed();
    } else {
      metrics.failed(outcome);
    }
    log(session, outcome);
    if (active.decrementAndGet() == 0 && closing) {
      drained.complete(null);
    }
  }

  /**
   * Starts a shutdown: connections still in their handshake are closed now; relays run on.
   */
  void beginClosing() {
    closing = true;
    for (Channel channel : channels) {
      ConnectionRecord session = channel.attr(ConnectionRecord.KEY).get();
      if (session != null) {
        channel.eventLoop().execute(() -> {
          if (!session.relaying()) {
            session.outcome(Outcome.SHUTDOWN);
            channel.close();
          }
        });
      }
    }
    if (active.get() == 0) {
      drained.complete(null);
    }
  }

  /** Ends a shutdown: every remaining relay is marked as shut down and closed. */
  void closeAll() {
    for (Channel channel : channels) {
      ConnectionRecord session = channel.attr(ConnectionRecord.KEY).get();
      if (session != null) {
        channel.eventLoop().execute(() -> session.outcome(Outcome.SHUTDOWN));
      }
    }
    channels.close();
  }

  private void log(ConnectionRecord session, Outcome outcome) {
    if (connectionLog == null && !CONNECTIONS.isInfoEnabled()) {
      return;
    }
    // One line per connection, key=value so it greps and parses. Text a client or a script
    // chose is quoted and escaped, so it cannot forge a field or a line; the password is never
    // known here, and a refused username is shown only when it names a known user.
    StringBuilder line = new StringBuilder(256).append("socks5 connection ended");
    field(line, "listener", listenerText);
    field(line, "client", text(session.clientAddress()));
    AuthVerdict verdict = session.verdict();
    if (verdict != null) {
      field(line, "user", session.user() == null ? "<unknown>" : Printable.quoted(session.user()));
      if (verdict.identity() != null) {
        field(line, "identity", Printable.quoted(verdict.identity()));
      }
      if (!verdict.groups().isEmpty()) {
        field(line, "groups", Printable.quoted(String.join(",", verdict.groups())));
      }
    }
    field(line, "requested_source", text(session.requestedSource()));
    field(line, "outbound_local", text(session.outboundLocal()));
    field(line, "destination", text(session.destination()));
    field(line, "relay", session.relaying() ? (session.isSpliced() ? "splice" : "copy") : null);
    field(line, "bytes_client_to_dest", session.bytesUp());
    field(line, "bytes_dest_to_client", session.bytesDown());
    field(line, "duration_ms", session.elapsedMillis());
    field(line, "outcome", outcome.label());
    field(line, "error", session.error() == null ? null : Printable.quoted(session.error()));
    if (connectionLog != null) {
      connectionLog.accept(line.toString());
    } else {
      CONNECTIONS.info(line.toString());
    }
  }

  private static void field(StringBuilder line, String key, Object value) {
    if (value != null) {
      line.append(' ').append(key).append('=').append(value);
    }
  }

  private static String text(InetSocketAddress address) {
    return address == null ? null : NetUtil.toSocketAddressString(address);
  }
}
