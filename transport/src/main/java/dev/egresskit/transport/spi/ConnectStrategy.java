package dev.egresskit.transport.spi;

import dev.egresskit.core.model.EgressSource;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * How one {@link dev.egresskit.core.model.Route} turns a connected TCP channel into a channel that
 * carries SMTP to the destination.
 *
 * <p>The connector calls {@link #checkDestination} first, then resolves {@link #proxy()} (or uses
 * the destination itself when there is no proxy), binds {@code source_address}, connects each
 * candidate in turn, and calls {@link #startHandshake} on the event loop of the connected channel.
 * The connector enforces the deadline and closes the channel on every failure.
 */
public interface ConnectStrategy {

  /** The protocol label used in results and error text: {@code direct}, {@code haproxy}, .... */
  String protocol();

  /** The proxy to open the TCP connection to; empty to connect straight to the destination. */
  Optional<ProxyTarget> proxy();

  /**
   * Rejects destinations this route cannot serve before anything is resolved or connected
   * (spec §2.2c: address-family mismatches). The returned text becomes the error reason.
   *
   * @param source      the source being connected from
   * @param destination the destination, with its effective port
   * @return the reason the destination cannot be used, or empty when it can
   */
  default Optional<String> checkDestination(EgressSource source, InetSocketAddress destination) {
    return Optional.empty();
  }

  /**
   * Runs the handshake on a freshly connected channel. Called on the channel's event loop. The
   * pipeline holds only the connector's hand-off handler, named {@link HandshakeContext#HANDOFF};
   * add handshake handlers before it ({@code pipeline.addBefore(HANDOFF, ...)}) and remove them
   * before reporting success. Report the outcome exactly once through the context. If the channel
   * closes or an exception reaches the hand-off handler first, the connector fails the attempt.
   *
   * @param channel the connected channel (to the proxy, or to the destination)
   * @param context where to report progress and the outcome
   */
  void startHandshake(Channel channel, HandshakeContext context);
}
