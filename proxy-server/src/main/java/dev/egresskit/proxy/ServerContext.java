package dev.egresskit.proxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.RejectedExecutionException;
import io.netty.channel.group.ChannelGroup;
import dev.egresskit.core.text.Printable;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
  /** The listening sockets. */
  private final ChannelGroup channels;
  /** Sessions whose channels are not all closed yet. */
  private final Set<ConnectionRecord> sessions = ConcurrentHashMap.newKeySet();
  private final String listenerText;
  private final ConnectionLog connectionLog;
  private final AtomicInteger active;
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private final FastThreadLocal<LogFlush> logFlush = new FastThreadLocal<>() {
    @Override
    protected LogFlush initialValue() {
      return new LogFlush();
    }
  };
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
      ConnectionLog connectionLog) {
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
    ConnectionRecord session = new ConnectionRecord(this, channel);
    // The session's own close listeners end it; a ChannelGroup would add one more per channel.
    sessions.add(session);
    channel.pipeline().addLast(Socks5HandshakeHandler.NAME, new Socks5HandshakeHandler(this, session));
  }

  /**
   * Asks the connection log to write its lines once this I/O thread has handled what was ready:
   * one flush per wake-up, however many sessions ended in it. A task queued from the event loop
   * itself runs right after the current batch of I/O events, before the thread waits again.
   */
  private void flushAfterCurrentWork(Channel client) {
    EventLoop loop;
    try {
      loop = client.eventLoop();
    } catch (IllegalStateException e) {
      connectionLog.flush();
      return;
    }
    if (!loop.inEventLoop()) {
      connectionLog.flush();
      return;
    }
    LogFlush flush = logFlush.get();
    if (!flush.queued) {
      flush.queued = true;
      try {
        loop.execute(flush);
      } catch (RejectedExecutionException e) {
        flush.run();
      }
    }
  }

  /** One per I/O thread: the queued flush of the connection log. */
  private final class LogFlush implements Runnable {
    private boolean queued;

    @Override
    public void run() {
      queued = false;
      connectionLog.flush();
    }
  }

  /** Counts and logs a session once its last channel has closed. */
  void finish(ConnectionRecord session) {
    sessions.remove(session);
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
    for (ConnectionRecord session : sessions) {
      Channel channel = session.client();
      channel.eventLoop().execute(() -> {
        if (!session.relaying()) {
          session.outcome(Outcome.SHUTDOWN);
          channel.close();
        }
      });
    }
    if (active.get() == 0) {
      drained.complete(null);
    }
  }

  /** Ends a shutdown: every remaining relay is marked as shut down and closed. */
  void closeAll() {
    for (ConnectionRecord session : sessions) {
      session.client().eventLoop().execute(() -> {
        session.outcome(Outcome.SHUTDOWN);
        session.client().close();
        Channel outbound = session.outbound();
        if (outbound != null) {
          outbound.close();
        }
      });
    }
    channels.close();
  }

  private void log(ConnectionRecord session, Outcome outcome) {
    if (connectionLog != null) {
      connectionLog.line(ConnectionLine.format(listenerText, session, outcome));
      if (closing) {
        // Shutting down: write now. A queued flush would still run before the I/O threads
        // stop, but a JVM that halts mid-stop (its exit hook gave up waiting) would not wait.
        connectionLog.flush();
      } else {
        flushAfterCurrentWork(session.client());
      }
    } else if (CONNECTIONS.isInfoEnabled()) {
      CONNECTIONS.info(ConnectionLine.format(listenerText, session, outcome).toString());
    }
  }
}
