package dev.egresskit.proxy;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * What happened on one client connection: the facts for its log line and counters, and the
 * channels whose closing ends it. Confined to the client channel's event loop (the outbound
 * channel is registered on the same loop).
 */
final class ConnectionRecord {

  private final ServerContext server;
  private final Channel client;
  private final InetSocketAddress clientAddress;
  private final long startNanos = System.nanoTime();
  private String user;
  private boolean authRefused;
  private AuthVerdict verdict;
  private InetSocketAddress requestedSource;
  private InetSocketAddress destination;
  private InetSocketAddress outboundLocal;
  private String error;
  private long bytesUp;
  private long bytesDown;
  private Outcome outcome;
  private boolean relaying;
  private boolean spliced;
  private Channel outbound;
  private int openChannels = 1;
  private boolean outboundClosed;
  private RelayIdle relayIdle;

  ConnectionRecord(ServerContext server, Channel client) {
    this.server = server;
    this.client = client;
    this.clientAddress = (InetSocketAddress) client.remoteAddress();
    client.closeFuture().addListener(f -> {
      if (relayIdle != null) {
        relayIdle.stop();
      }
      if (outbound != null) {
        Channels.closeAfterFlush(outbound, server.config().timeouts().idle());
      }
      channelClosed();
    });
  }

  /** Adopts the outbound socket: it is closed with the session and counted until it closes. */
  void attachOutbound(Channel channel) {
    outbound = channel;
    openChannels++;
    channel.closeFuture().addListener(f -> outboundClosed());
  }

  /**
   * Frees an outbound socket whose registration with an event loop failed: it cannot be closed
   * through its pipeline and its close future never completes, so without this the socket
   * would leak and the session would never be counted.
   */
  void discardUnregistered(Channel channel) {
    channel.unsafe().closeForcibly();
    outboundClosed();
  }

  private void outboundClosed() {
    if (!outboundClosed) {
      outboundClosed = true;
      channelClosed();
    }
  }

  private void channelClosed() {
    if (--openChannels == 0) {
      server.finish(this);
    }
  }

  /** Records the outcome unless one was already recorded (the first cause wins). */
  void outcome(Outcome value) {
    if (outcome == null) {
      outcome = value;
    }
  }

  /** The recorded outcome, or the default for how far the session got. */
  Outcome finalOutcome() {
    if (outcome != null) {
      return outcome;
    }
    return relaying ? Outcome.COMPLETED : Outcome.CLIENT_CLOSED;
  }

  void error(String message) {
    if (error == null) {
      error = message;
    }
  }

  void error(Throwable cause) {
    if (error == null && cause != null) {
      Throwable root = cause;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      if (root instanceof io.netty.handler.ssl.NotSslRecordException) {
        // Netty's text carries a hex dump of what the client sent in clear, which may be an
        // RFC 1929 frame with its password: name the fault, never the bytes.
        error = "not a TLS record (the client did not start TLS)";
      } else {
        error = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
      }
    }
  }

  void countUp(long n) {
    bytesUp += n;
    server.metrics().bytesClientToDest(n);
  }

  void countDown(long n) {
    bytesDown += n;
    server.metrics().bytesDestToClient(n);
  }

  /** Of the bytes counted up or down, these went through a pipe ({@link SpliceRelay}). */
  void countSpliced(long n) {
    server.metrics().bytesSpliced(n);
  }

  /** A splicing relay's direction opened its pipe (bulk data flows that way). */
  void pipeOpened() {
    server.metrics().pipeOpened();
  }

  Channel client() {
    return client;
  }

  Channel outbound() {
    return outbound;
  }

  boolean relaying() {
    return relaying;
  }

  void startRelaying() {
    relaying = true;
  }

  /** The idle timeout of a copying relay, stopped when the client channel closes. */
  void relayIdle(RelayIdle value) {
    relayIdle = value;
  }

  /** The relay moves bytes with splice(2), not through user space. */
  void spliced() {
    spliced = true;
  }

  boolean isSpliced() {
    return spliced;
  }

  /**
   * Records an authentication: the username to log (null when it must not be shown) and the
   * verdict.
   */
  void user(String value, AuthVerdict decided) {
    user = value;
    verdict = decided;
    authRefused = !decided.accepted();
  }

  /** Whether authentication was tried and refused. */
  boolean authRefused() {
    return authRefused;
  }

  /** The authentication verdict, or null when the client did not authenticate. */
  AuthVerdict verdict() {
    return verdict;
  }

  void requestedSource(InetSocketAddress value) {
    requestedSource = value;
  }

  void destination(InetSocketAddress value) {
    destination = value;
  }

  void outboundLocal(InetSocketAddress value) {
    outboundLocal = value;
  }

  String user() {
    return user;
  }

  InetSocketAddress clientAddress() {
    return clientAddress;
  }

  InetSocketAddress requestedSource() {
    return requestedSource;
  }

  InetSocketAddress destination() {
    return destination;
  }

  InetSocketAddress outboundLocal() {
    return outboundLocal;
  }

  String error() {
    return error;
  }

  long bytesUp() {
    return bytesUp;
  }

  long bytesDown() {
    return bytesDown;
  }

  long elapsedMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
