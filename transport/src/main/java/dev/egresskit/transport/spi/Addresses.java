package dev.egresskit.transport.spi;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Formats addresses the way KumoMTA prints them: {@code a.b.c.d:p} and {@code [v6]:p}. */
public final class Addresses {
  private Addresses() {}

  /**
   * {@code 10.0.0.1}, {@code 2001:db8::1} (compressed, without a scope id) or
   * {@code ::ffff:10.0.0.7} (an IPv4-mapped address in RFC 5952's mixed notation, as Rust prints
   * it).
   */
  public static String format(InetAddress address) {
    // Netty's formatter compresses IPv6 per RFC 5952 and drops the scope id; `true` asks for the
    // mixed notation of IPv4-mapped addresses.
    return NetUtil.toAddressString(address, true);
  }

  /** {@code 10.0.0.1:25} or {@code [2001:db8::1]:25}; an unresolved address prints its host name. */
  public static String format(InetSocketAddress address) {
    InetAddress ip = address.getAddress();
    if (ip == null) {
      return address.getHostString() + ":" + address.getPort();
    }
    String host = format(ip);
    return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** True when both addresses are IPv4, or both IPv6. */
  public static boolean sameFamily(InetAddress a, InetAddress b) {
    return (a instanceof Inet6Address) == (b instanceof Inet6Address);
  }
}
