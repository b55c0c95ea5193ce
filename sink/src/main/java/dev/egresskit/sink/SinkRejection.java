package dev.egresskit.sink;

/**
 * Why the sink closed a session on its own because the client misbehaved. Counted per reason by
 * {@link SmtpSink#rejections()}; each closed session counts at most once, for its first reason.
 */
public enum SinkRejection {
  /** A line (command or message content) longer than the configured maximum. */
  LINE_TOO_LONG,
  /** No traffic at all for the idle timeout. */
  IDLE_TIMEOUT,
  /**
   * No complete line within the command timeout, although bytes may still be trickling in (a
   * slowloris client).
   */
  COMMAND_TIMEOUT,
  /** The configured number of rejected commands (5xx syntax and sequence errors) was reached. */
  TOO_MANY_ERRORS,
  /** {@code REQUIRED} PROXY mode, and the first bytes (or the header wait) gave no header. */
  MISSING_PROXY_HEADER,
  /** The first bytes announced a PROXY header that then failed to parse. */
  BAD_PROXY_HEADER,
  /** The socket failed, typically a reset by the peer. */
  CONNECTION_RESET,
  /** Any other error while handling the session. */
  PROTOCOL_ERROR
}
