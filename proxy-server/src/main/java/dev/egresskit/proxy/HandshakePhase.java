package dev.egresskit.proxy;

/** Where a client connection is in its SOCKS5 handshake. */
enum HandshakePhase {
  /** Waiting for the method greeting. */
  GREETING,
  /** Waiting for the RFC 1929 request. */
  AUTH,
  /** Checking the RFC 1929 request (the password check runs elsewhere). */
  CHECKING,
  /** Waiting for a BIND or CONNECT request. */
  REQUEST,
  /** Binding or dialling for a request. */
  HANDLING,
  /** Relaying: the handshake handler has left the pipeline. */
  RELAY,
  /** Answered with a refusal, or closed: nothing more is read. */
  CLOSING;

  /** Whether the handshake is waiting for a message from the client. */
  boolean waitingForClient() {
    return this == GREETING || this == AUTH || this == REQUEST;
  }
}
