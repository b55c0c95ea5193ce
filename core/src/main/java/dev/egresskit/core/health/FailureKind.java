package dev.egresskit.core.health;

import java.util.Optional;

/**
 * The machine-readable cause of a failed connection attempt. Health logic switches on this,
 * never on message text.
 */
public enum FailureKind {
  /** Binding {@code source_address} failed with EADDRNOTAVAIL, before any packet was sent. */
  SOURCE_UNPLUMBED(HealthEvent.Unplumbed),
  /** Binding {@code source_address} failed for another reason (e.g. EADDRINUSE, EACCES). */
  BIND_FAILED(null),
  /** The TCP connection to the proxy was refused, unreachable or timed out. */
  PROXY_UNREACHABLE(HealthEvent.ProxyUnhealthy),
  /** The SOCKS5 proxy refused to BIND the requested source address. */
  PROXY_BIND_REJECTED(HealthEvent.ProxyUnhealthy),
  /** The SOCKS5 proxy rejected the credentials or offered no acceptable method. */
  PROXY_AUTH_REJECTED(null),
  /** The proxy answered something the protocol does not allow. */
  PROXY_PROTOCOL_ERROR(null),
  /** The proxy handshake did not finish before the deadline. */
  HANDSHAKE_TIMEOUT(null),
  /** The destination could not be reached (directly, or the proxy's CONNECT failed). */
  DESTINATION_FAILED(null),
  /** The connect deadline passed before the TCP connection to the destination was made. */
  CONNECT_TIMEOUT(null),
  /** The source and destination (or proxy) address families cannot be combined. */
  FAMILY_MISMATCH(null),
  /** The proxy host name could not be resolved to a usable address. */
  RESOLUTION_FAILED(null),
  /** The SOCKS5 password, or the {@code socks5_proxy_tls_ca} certificates, could not be read. */
  SECRET_UNAVAILABLE(null),
  /** The source is auto-suspended; nothing was attempted. */
  SOURCE_SUSPENDED(null),
  /** The SMTP server answered with an error, garbage, or closed the connection. */
  SMTP_FAILED(null);

  private final HealthEvent healthEvent;

  FailureKind(HealthEvent healthEvent) {
    this.healthEvent = healthEvent;
  }

  /** The health event this failure counts toward, if any (spec §8.1). */
  public Optional<HealthEvent> healthEvent() {
    return Optional.ofNullable(healthEvent);
  }
}
