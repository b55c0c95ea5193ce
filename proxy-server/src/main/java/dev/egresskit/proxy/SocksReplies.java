package dev.egresskit.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.unix.Errors;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's SOCKS5 replies, written straight into an outbound buffer (several replies a
 * client has not waited for yet go out in one buffer), and KumoProxy's errno → REP mapping
 * (spec §3.3).
 */
final class SocksReplies {

  // Reply codes (RFC 1928 §6).
  static final int SUCCEEDED = 0;
  static final int FAILURE = 1;
  static final int FORBIDDEN = 2;
  static final int NETWORK_UNREACHABLE = 3;
  static final int HOST_UNREACHABLE = 4;
  static final int CONNECTION_REFUSED = 5;
  static final int TTL_EXPIRED = 6;
  static final int COMMAND_UNSUPPORTED = 7;
  static final int ADDRESS_UNSUPPORTED = 8;

  // Methods (RFC 1928 §3).
  static final int NO_AUTH = 0;
  static final int PASSWORD = 2;
  static final int NO_ACCEPTABLE_METHOD = 0xFF;

  // RFC 1929 status: KumoProxy answers a failed check with 01 (Netty's FAILURE constant is FF).
  static final int AUTH_SUCCESS = 0;
  static final int AUTH_REFUSED = 1;

  // Linux errno values; the epoll transport only exists on Linux.
  static final int EADDRNOTAVAIL = 99;
  static final int ENETUNREACH = 101;
  static final int ETIMEDOUT = 110;
  static final int ECONNREFUSED = 111;
  static final int EHOSTUNREACH = 113;

  // Netty's native transport reports "connect(..) failed with error(-111): Connection refused".
  private static final Pattern NATIVE_ERRNO = Pattern.compile("error\\((-?\\d+)\\)");

  private SocksReplies() {}

  /** {@code 05 METHOD}: the method reply to the greeting. */
  static void method(ByteBuf out, int method) {
    out.writeShort(HandshakeParser.SOCKS_VERSION << 8 | method);
  }

  /** {@code 01 STATUS}: the RFC 1929 reply. */
  static void auth(ByteBuf out, int status) {
    out.writeShort(HandshakeParser.AUTH_VERSION << 8 | status);
  }

  /** {@code 05 REP 00 01 00 00 00 00 00 00}: a failure reply with address 0.0.0.0:0. */
  static void failure(ByteBuf out, int rep) {
    out.writeInt(HandshakeParser.SOCKS_VERSION << 24 | rep << 16 | HandshakeParser.ATYP_IPV4);
    out.writeInt(0);
    out.writeShort(0);
  }

  /** {@code 05 00 00 ATYP ADDR PORT} with the given local address of the outbound socket. */
  static void success(ByteBuf out, InetSocketAddress local) {
    int type = local.getAddress() instanceof Inet4Address
        ? HandshakeParser.ATYP_IPV4 : HandshakeParser.ATYP_IPV6;
    out.writeInt(HandshakeParser.SOCKS_VERSION << 24 | SUCCEEDED << 16 | type);
    out.writeBytes(local.getAddress().getAddress());
    out.writeShort(local.getPort());
  }

  /**
   * Maps a bind or connect failure to a reply code: ENETUNREACH → 03, EHOSTUNREACH → 04,
   * ECONNREFUSED → 05, ETIMEDOUT (or Netty's own connect timeout) → 06, everything else,
   * EADDRNOTAVAIL included, → 01.
   *
   * <p>The JDK and Netty hide errno behind exception types and messages, so this reads both:
   * the epoll transport puts {@code error(-N)} in the message, NIO gives {@code strerror} text.
   * One loss is unavoidable: Netty's epoll transport turns ENETUNREACH and EHOSTUNREACH into
   * the same message-less {@link NoRouteToHostException}, which answers 04.
   */
  static int statusFor(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectTimeoutException) {
        return TTL_EXPIRED;
      }
      if (t instanceof Errors.NativeIoException nativeIo) {
        return forErrno(-nativeIo.expectedErr());
      }
      String message = t.getMessage() == null ? "" : t.getMessage();
      Matcher m = NATIVE_ERRNO.matcher(message);
      if (m.find()) {
        return forErrno(Math.abs(Integer.parseInt(m.group(1))));
      }
      String lower = message.toLowerCase(Locale.ROOT);
      if (lower.contains("network is unreachable")) {
        return NETWORK_UNREACHABLE;
      }
      if (lower.contains("no route to host") || t instanceof NoRouteToHostException) {
        return HOST_UNREACHABLE;
      }
      if (lower.contains("connection refused")) {
        return CONNECTION_REFUSED;
      }
      if (lower.contains("timed out")) {
        return TTL_EXPIRED;
      }
    }
    return FAILURE;
  }

  static int forErrno(int errno) {
    return switch (errno) {
      case ENETUNREACH -> NETWORK_UNREACHABLE;
      case EHOSTUNREACH -> HOST_UNREACHABLE;
      case ECONNREFUSED -> CONNECTION_REFUSED;
      case ETIMEDOUT -> TTL_EXPIRED;
      default -> FAILURE;
    };
  }
}
