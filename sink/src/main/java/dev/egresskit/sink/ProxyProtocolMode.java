package dev.egresskit.sink;

/** Whether the sink expects a PROXY protocol (v1 or v2) header before the SMTP dialogue. */
public enum ProxyProtocolMode {
  /** No header; the first bytes are SMTP. */
  NONE,
  /**
   * A header may come first. The sink waits up to its header wait for the first bytes: a header
   * is decoded, anything else (or silence) starts the SMTP dialogue as usual.
   */
  OPTIONAL,
  /** A header must come first (as behind HAProxy); a session without one is closed. */
  REQUIRED
}
