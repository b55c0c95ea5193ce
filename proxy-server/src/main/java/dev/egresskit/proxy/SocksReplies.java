package dev.egresskit.proxy;

import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.unix.Errors;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The command replies and KumoProxy's errno → REP mapping (spec §3.3). */
final class SocksReplies {

  // Linux errno values; the epoll transport only exists on Linux.
  static final int EADDRNOTAVAIL = 99;
  static final int ENETUNREACH = 101;
  static final int ETIMEDOUT = 110;
  static final int ECONNREFUSED = 111;
  static final int EHOSTUNREACH = 113;

  // Netty's native transport reports "connect(..) failed with error(-111): Connection refused".
  private static final Pattern NATIVE_ERRNO = Pattern.compile("error\\((-?\\d+)\\)");

  private SocksReplies() {}

  /** {@code 05 REP 00 01 00 00 00 00 00 00}: a failure reply with address 0.0.0.0:0. */
  static Socks5CommandResponse failure(Socks5CommandStatus status) {
    return new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4, "0.0.0.0", 0);
  }

  /** {@code 05 00 00 ATYP ADDR PORT} with the given local address of the outbound socket. */
  static Socks5CommandResponse success(InetSocketAddress local) {
    Socks5AddressType type =
        local.getAddress() instanceof Inet4Address ? Socks5AddressType.IPv4 : Socks5AddressType.IPv6;
    return new DefaultSocks5CommandResponse(
        Socks5CommandStatus.SUCCESS, type, NetUtil.toAddressString(local.getAddress()), local.getPort());
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
  static Socks5CommandStatus statusFor(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectTimeoutException) {
        return Socks5CommandStatus.TTL_EXPIRED;
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
        return Socks5CommandStatus.NETWORK_UNREACHABLE;
      }
      if (lower.contains("no route to host") || t instanceof NoRouteToHostException) {
        return Socks5CommandStatus.HOST_UNREACHABLE;
      }
      if (lower.contains("connection refused")) {
        return Socks5CommandStatus.CONNECTION_REFUSED;
      }
      if (lower.contains("timed out")) {
        return Socks5CommandStatus.TTL_EXPIRED;
      }
    }
    return Socks5CommandStatus.FAILURE;
  }

  static Socks5CommandStatus forErrno(int errno) {
    return switch (errno) {
      case ENETUNREACH -> Socks5CommandStatus.NETWORK_UNREACHABLE;
      case EHOSTUNREACH -> Socks5CommandStatus.HOST_UNREACHABLE;
      case ECONNREFUSED -> Socks5CommandStatus.CONNECTION_REFUSED;
      case ETIMEDOUT -> Socks5CommandStatus.TTL_EXPIRED;
      default -> Socks5CommandStatus.FAILURE;
    };
  }
}
