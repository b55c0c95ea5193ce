package dev.egresskit.proxy;

import dev.egresskit.core.text.Printable;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The text of the one line per connection: key=value so it greps and parses. Text a client or a
 * script chose is quoted and escaped, so it cannot forge a field or a line; the password is never
 * known here, and a refused username is shown only when it names a known user.
 *
 * <p>Built in a buffer reused per thread (every session ends on an I/O thread): a line costs no
 * allocation beyond the quoted texts, which only authenticated sessions have.
 */
final class ConnectionLine {

  /** Lines longer than this (a long error text) do not keep their buffer. */
  private static final int KEPT_CAPACITY = 2048;

  private static final FastThreadLocal<StringBuilder> BUFFER = new FastThreadLocal<>() {
    @Override
    protected StringBuilder initialValue() {
      return new StringBuilder(512);
    }
  };

  private ConnectionLine() {}

  /**
   * The line of a finished session, in this thread's buffer: valid until the next call on the
   * same thread.
   */
  static StringBuilder format(String listenerText, ConnectionRecord session, Outcome outcome) {
    StringBuilder line = BUFFER.get();
    if (line.capacity() > KEPT_CAPACITY) {
      line = new StringBuilder(512);
      BUFFER.set(line);
    }
    line.setLength(0);
    line.append("socks5 connection ended");
    field(line, "listener", listenerText);
    address(line, "client", session.clientAddress());
    AuthVerdict verdict = session.verdict();
    if (verdict != null) {
      field(line, "user", session.user() == null ? "<unknown>" : Printable.quoted(session.user()));
      if (verdict.identity() != null) {
        field(line, "identity", Printable.quoted(verdict.identity()));
      }
      if (!verdict.groups().isEmpty()) {
        field(line, "groups", Printable.quoted(String.join(",", verdict.groups())));
      }
    }
    address(line, "requested_source", session.requestedSource());
    address(line, "outbound_local", session.outboundLocal());
    address(line, "destination", session.destination());
    if (session.relaying()) {
      field(line, "relay", session.isSpliced() ? "splice" : "copy");
    }
    line.append(" bytes_client_to_dest=").append(session.bytesUp());
    line.append(" bytes_dest_to_client=").append(session.bytesDown());
    line.append(" duration_ms=").append(session.elapsedMillis());
    field(line, "outcome", outcome.label());
    if (session.error() != null) {
      field(line, "error", Printable.quoted(session.error()));
    }
    return line;
  }

  private static void field(StringBuilder line, String key, String value) {
    line.append(' ').append(key).append('=').append(value);
  }

  /**
   * {@code ip:port}, {@code [ipv6]:port}: the text of {@link NetUtil#toSocketAddressString},
   * without building a string for IPv4.
   */
  static void address(StringBuilder line, String key, InetSocketAddress address) {
    if (address == null) {
      return;
    }
    line.append(' ').append(key).append('=');
    InetAddress ip = address.getAddress();
    if (ip instanceof Inet4Address) {
      byte[] b = ip.getAddress();
      line.append(b[0] & 0xff).append('.').append(b[1] & 0xff).append('.')
          .append(b[2] & 0xff).append('.').append(b[3] & 0xff)
          .append(':').append(address.getPort());
    } else {
      line.append(NetUtil.toSocketAddressString(address));
    }
  }
}
