package dev.egresskit.transport;

import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.transport.spi.SourceAddressInfo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * An established connection from a source to a destination, handshake done, ready to carry
 * SMTP. Reading is paused until {@link #attach} installs the caller's handlers; bytes that
 * arrived with the handshake are kept and replayed to them. Close it when done.
 */
public final class EgressConnection implements AutoCloseable {
  private final Channel channel;
  private final Handoff handoff;
  private final EgressSource source;
  private final InetSocketAddress destination;
  private final SourceAddressInfo reportedSource;
  private final PhaseTimings timings;
  private final String proxyText;
  private final ConnectAttempt attempt;

  EgressConnection(
      Channel channel, Handoff handoff, EgressSource source, InetSocketAddress destination,
      SourceAddressInfo reportedSource, PhaseTimings timings, String proxyText,
      ConnectAttempt attempt) {
    this.attempt = attempt;
    this.channel = channel;
    this.handoff = handoff;
    this.source = source;
    this.destination = destination;
    this.reportedSource = reportedSource;
    this.timings = timings;
    this.proxyText = proxyText;
  }

  /**
   * Takes over the connect deadline, still pending, when called on the event loop while the
   * connection is being handed over (see {@link ConnectAttempt#adoptDeadline}); else null.
   */
  ScheduledFuture<?> adoptDeadline(Runnable action) {
    return attempt.adoptDeadline(action);
  }

  /** The configured proxy as error messages name it, or {@code "no proxy"}. */
  String proxyText() {
    return proxyText;
  }

  /** The Netty channel. Prefer {@link #attach} to adding handlers directly. */
  public Channel channel() {
    return channel;
  }

  /** The source the connection was made from. */
  public EgressSource source() {
    return source;
  }

  /** The destination with the port actually used (after {@code remote_port}). */
  public InetSocketAddress destination() {
    return destination;
  }

  /** The local end of the TCP connection (to the proxy, or to the destination). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** The source address the destination sees, the protocol and the proxy candidate used. */
  public SourceAddressInfo reportedSource() {
    return reportedSource;
  }

  /** The proxy candidate used; empty for a direct connection. */
  public Optional<InetSocketAddress> proxyCandidate() {
    return reportedSource.server();
  }

  /** Resolve, connect and handshake timings (the SMTP phases are 0 here). */
  public PhaseTimings timings() {
    return timings;
  }

  /**
   * Adds {@code handlers} to the end of the pipeline, hands over any bytes received with the
   * handshake, and resumes reading. Runs on the channel's event loop (later, when called from
   * another thread). Call it once.
   */
  public void attach(ChannelHandler... handlers) {
    Objects.requireNonNull(handlers, "handlers");
    if (channel.eventLoop().inEventLoop()) {
      doAttach(handlers);
    } else {
      channel.eventLoop().execute(() -> doAttach(handlers));
    }
  }

  private void doAttach(ChannelHandler[] handlers) {
    if (handoff.isAttached()) {
      throw new IllegalStateException("attach() was already called for " + this);
    }
    boolean present = channel.pipeline().context(handoff) != null;
    handoff.markAttached();
    channel.pipeline().addLast(handlers);
    if (present) {
      channel.pipeline().remove(handoff);
      channel.config().setAutoRead(true);
    } else {
      // The channel closed (and its pipeline was emptied) before the caller attached.
      channel.pipeline().fireChannelInactive();
    }
  }

  /**
   * Takes the connection out of Netty for blocking I/O (a {@link java.net.Socket} for a client
   * library such as Jakarta Mail): the channel leaves its event loop and the connector, and its
   * JDK {@link java.nio.channels.SocketChannel} is switched to blocking mode and handed to the
   * caller, who closes it. Use either this or {@link #attach}, once.
   *
   * <p>Only NIO connections can be detached: build the connector with {@link
   * EgressConnector.Builder#nativeTransport nativeTransport(false)}. A connection through a
   * SOCKS5 proxy reached over TLS ({@code socks5_proxy_tls}) cannot be detached: its TLS session
   * lives in the Netty pipeline.
   *
   * @return the channel and the bytes that arrived with the handshake; fails with an {@link
   *     IllegalStateException} for an Epoll connection or one already attached or detached, and
   *     with a {@link java.nio.channels.ClosedChannelException} if the peer closed it meanwhile
   */
  public CompletableFuture<DetachedChannel> detach() {
    CompletableFuture<DetachedChannel> result = new CompletableFuture<>();
    if (!(channel instanceof DetachableNioSocketChannel nio)) {
      result.completeExceptionally(new IllegalStateException("only connections of an NIO "
          + "connector can be detached (EgressConnector.builder().nativeTransport(false)): "
          + this));
      return result;
    }
    EventLoop loop = channel.eventLoop();
    loop.execute(() -> {
      if (handoff.isAttached()) {
        result.completeExceptionally(
            new IllegalStateException("attach() or detach() was already called for " + this));
        return;
      }
      if (channel.pipeline().get(SslHandler.class) != null) {
        // The TLS session to the proxy lives in the pipeline: a raw socket would bypass it.
        result.completeExceptionally(new IllegalStateException("a connection with TLS to its"
            + " SOCKS5 proxy (socks5_proxy_tls) cannot be detached; use attach(): " + this));
        return;
      }
      handoff.markAttached();
      ByteBuffer received = handoff.takeReceived();
      if (!channel.isActive() || handoff.failedOrClosed()) {
        channel.close();
        result.completeExceptionally(new ClosedChannelException());
        return;
      }
      attempt.connector().untrack(channel);
      channel.deregister().addListener(f -> {
        if (!f.isSuccess()) {
          channel.close();
          result.completeExceptionally(f.cause());
          return;
        }
        try {
          SocketChannel jdk = nio.jdkChannel();
          jdk.configureBlocking(true);
          result.complete(new DetachedChannel(jdk, received));
        } catch (IOException | RuntimeException e) {
          channel.close();
          result.completeExceptionally(e);
        }
      });
    });
    return result;
  }

  /** Closes the channel. */
  public ChannelFuture closeAsync() {
    return channel.close();
  }

  /** Closes the channel (without waiting). */
  @Override
  public void close() {
    channel.close();
  }

  @Override
  public String toString() {
    return "EgressConnection[source=" + source.name() + ", " + reportedSource + " => "
        + dev.egresskit.core.grammar.IpLiterals.format(destination) + "]";
  }
}
