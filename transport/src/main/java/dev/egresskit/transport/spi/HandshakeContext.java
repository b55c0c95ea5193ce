package dev.egresskit.transport.spi;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import java.net.InetSocketAddress;

/**
 * What a {@link ConnectStrategy} knows about the attempt it runs, and where it reports. All
 * methods must be called on the channel's event loop. Only the first call to {@link #succeed} or
 * {@link #fail} counts; later calls are ignored (the deadline may already have failed the attempt).
 */
public interface HandshakeContext {

  /** The name of the connector's hand-off handler; strategies add their handlers before it. */
  String HANDOFF = "egress-handoff";

  /** The source being connected from. */
  EgressSource source();

  /** The destination, with its effective port. */
  InetSocketAddress destination();

  /** The address the channel is connected to: the proxy candidate, or the destination. */
  InetSocketAddress transport();

  /**
   * Whether the strategy must wait for each reply before sending its next request (the
   * connector's {@code lockstepHandshakes} setting). When false a strategy may send requests
   * whose replies it can predict in one flight and read the replies in order.
   */
  default boolean lockstep() {
    return false;
  }

  /**
   * Names what the handshake is waiting for now, e.g. {@code "waiting for the SOCKS5 method
   * reply"}. A deadline that passes during the handshake quotes it.
   */
  void enterPhase(String phase);

  /**
   * Reports success. The strategy's handlers must already be removed from the pipeline.
   *
   * @param reported the source address the destination sees, as far as the protocol tells
   */
  void succeed(SourceAddressInfo reported);

  /**
   * Reports failure; the connector closes the channel and may try the next candidate.
   *
   * @param kind   the machine-readable failure class
   * @param reason the human-readable reason (never containing a secret)
   * @param cause  the underlying exception, or {@code null}
   */
  void fail(FailureKind kind, String reason, Throwable cause);
}
