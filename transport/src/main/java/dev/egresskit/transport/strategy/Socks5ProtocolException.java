package dev.egresskit.transport.strategy;

/** A SOCKS5 reply that breaks the protocol; the message is the spec's wording. */
final class Socks5ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  Socks5ProtocolException(String message) {
    super(message, null, false, false);
  }
}
