package dev.egresskit.embed;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.transport.DetachedChannel;
import dev.egresskit.transport.EgressConnection;
import dev.egresskit.transport.EgressConnector;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocking connections: connect with the NIO connector (its own deadline covers connect and
 * handshake), then take the channel out of Netty. The caller's thread waits on the futures, a
 * little longer than the deadline so the connector's own, precise failure is what it sees.
 */
final class Sockets {
  private static final Duration GRACE = Duration.ofSeconds(5);

  private Sockets() {}

  static EgressSocket.Opened open(EgressConnector connector, EgressSource source,
      InetSocketAddress destination, Duration timeout) throws IOException {
    CompletableFuture<EgressConnection> connecting =
        connector.connect(source, destination, timeout);
    EgressConnection connection = await(connecting, timeout.plus(GRACE));
    DetachedChannel detached = await(connection.detach(), GRACE);
    return new EgressSocket.Opened(connection.source(), connection.reportedSource(),
        connection.destination(), detached.channel(), detached.received());
  }

  /**
   * The future's value within {@code bound}; its failure unwrapped (an {@link IOException} or
   * runtime exception as itself).
   */
  static <T> T await(CompletableFuture<T> future, Duration bound) throws IOException {
    try {
      return future.get(bound.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while connecting");
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new java.net.SocketTimeoutException("no answer within " + bound);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(cause);
    }
  }
}
