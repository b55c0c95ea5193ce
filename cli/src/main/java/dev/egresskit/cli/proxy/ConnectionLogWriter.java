package dev.egresskit.cli.proxy;

import dev.egresskit.proxy.ConnectionLog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Writes the proxy's connection lines as slf4j-simple would with the CLI's settings
 * ({@code 2026-01-02T03:04:05.678Z INFO connections - socks5 connection ended ...}), for a
 * fraction of its cost: no date formatting per line, and the lines an I/O thread produces in one
 * wake-up go out in one {@code write}.
 *
 * <p>Bounded: lines wait only until their I/O thread has handled what was ready
 * ({@link ConnectionLog#flush()}), and at most {@link #FLUSH_CHARS} characters wait at all (a
 * line that reaches it is written at once). Nothing is lost on shutdown: {@link #close()} writes
 * what waits, and so does a JVM shutdown hook when the JVM exits before the CLI closes it (it
 * runs as the exit begins, beside the CLI's own hook; lines of sessions that end later in the
 * stop are flushed at once by the proxy).
 * Thread-safe: the I/O threads share one writer.
 */
final class ConnectionLogWriter implements ConnectionLog, AutoCloseable {

  /** The most text that may wait for a flush. */
  static final int FLUSH_CHARS = 32 * 1024;

  private static final String LEVEL_AND_NAME = " INFO connections - ";
  private static final String NEWLINE = System.lineSeparator();

  private final OutputStream out;
  private final LineTimestamp timestamp;
  private final StringBuilder pending = new StringBuilder(FLUSH_CHARS + 1024);
  private byte[] bytes = new byte[FLUSH_CHARS + 1024];
  private final Thread exitHook;
  private boolean failed;

  /**
   * @param out where the lines go (the CLI's standard error)
   * @param clock the time of each line, with the zone it is shown in
   * @param hookExit whether a JVM shutdown hook writes what waits when the JVM exits first
   */
  ConnectionLogWriter(OutputStream out, Clock clock, boolean hookExit) {
    this.out = out;
    this.timestamp = new LineTimestamp(clock);
    if (hookExit) {
      exitHook = new Thread(this::flush, "egresskit-connection-log");
      Runtime.getRuntime().addShutdownHook(exitHook);
    } else {
      exitHook = null;
    }
  }

  @Override
  public synchronized void line(CharSequence line) {
    timestamp.append(pending);
    pending.append(LEVEL_AND_NAME).append(line).append(NEWLINE);
    if (pending.length() >= FLUSH_CHARS) {
      write();
    }
  }

  @Override
  public synchronized void flush() {
    if (pending.length() > 0) {
      write();
    }
  }

  /** Writes what waits; the JVM no longer needs to run the exit hook. */
  @Override
  public void close() {
    flush();
    if (exitHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(exitHook);
      } catch (IllegalStateException e) {
        // The JVM is exiting: the hook runs anyway, and finds nothing left to write.
      }
    }
  }

  private void write() {
    int n = encode();
    pending.setLength(0);
    if (failed) {
      return;
    }
    try {
      out.write(bytes, 0, n);
      out.flush();
    } catch (IOException e) {
      // Standard error is gone (closed pipe): as slf4j-simple does, drop the lines rather than
      // fail the sessions.
      failed = true;
    }
  }

  /** UTF-8 of {@link #pending} into {@link #bytes}; the lines are ASCII unless a text is not. */
  private int encode() {
    int length = pending.length();
    if (bytes.length < length) {
      bytes = new byte[length];
    }
    for (int i = 0; i < length; i++) {
      char c = pending.charAt(i);
      if (c >= 0x80) {
        byte[] utf8 = pending.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length < utf8.length) {
          bytes = new byte[utf8.length];
        }
        System.arraycopy(utf8, 0, bytes, 0, utf8.length);
        return utf8.length;
      }
      bytes[i] = (byte) c;
    }
    return length;
  }
}
