package dev.egresskit.proxy;

/**
 * Where a {@link Socks5ProxyServer} writes its one line per connection instead of the logger
 * {@code dev.egresskit.proxy.connections}: for front ends that write the lines themselves, more
 * cheaply than a general-purpose logger (the CLI's {@code egresskit proxy} batches them).
 *
 * <p>The line is the same text the logger would get (fields in {@link Socks5ProxyServer}'s
 * documentation, client-chosen text quoted and escaped, no password). It is called on the
 * connection's I/O thread, so it must not block; the {@link CharSequence} is valid only during
 * the call (the server reuses it for the next line).
 */
@FunctionalInterface
public interface ConnectionLog {

  /**
   * Takes one connection's line.
   *
   * @param line the line without a line terminator; copy it to keep it
   */
  void line(CharSequence line);

  /**
   * Called on an I/O thread once it has handled the work that was ready, after one or more
   * {@link #line} calls (and at any time from other threads): the moment to write lines held
   * back to batch them. Must not block for long. Default: nothing to do.
   */
  default void flush() {}
}
