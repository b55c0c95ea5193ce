package dev.egresskit.interop;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP literals for tests. Peers print IPv6 compressed ({@code fd00:200::3}) and Java prints it in
 * full ({@code fd00:200:0:0:0:0:0:3}), so addresses are compared as {@link InetAddress}es.
 */
final class Ips {
  static final InetAddress LOOPBACK_V4 = ip("127.0.0.1");
  static final InetAddress LOOPBACK_V6 = ip("::1");

  private Ips() {}

  /** The RFC 5952 text form that peers print: {@code fd00:200::3}, {@code 10.200.0.3}. */
  static String text(InetAddress address) {
    return io.netty.util.NetUtil.toAddressString(address);
  }

  /** Parses an IP literal (never a host name: no DNS lookup happens). */
  static InetAddress ip(String literal) {
    if (!literal.matches("[0-9a-fA-F:.%]+")) {
      throw new IllegalArgumentException("not an IP literal: " + literal);
    }
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP literal: " + literal, e);
    }
  }
}
