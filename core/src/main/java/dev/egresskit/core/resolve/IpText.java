package dev.egresskit.core.resolve;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * IP addresses as Rust's {@code Display} prints them: dotted IPv4, IPv6 in the RFC 5952 short
 * form ({@code 2001:db8::1}, not Java's {@code 2001:db8:0:0:0:0:0:1}), and IPv4-mapped IPv6 in
 * RFC 5952's mixed notation ({@code ::ffff:10.0.0.7}, not {@code ::ffff:a00:7}).
 */
final class IpText {
  private IpText() {}

  static String of(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address.getHostAddress();
    }
    byte[] bytes = address.getAddress();
    if (isIpv4Mapped(bytes)) {
      return "::ffff:" + (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff)
          + "." + (bytes[15] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    // The longest run of two or more zero groups is shortened to "::" (the first, on a tie).
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }

  /** {@code ::ffff:a.b.c.d}: ten zero bytes, then two 0xff bytes. */
  private static boolean isIpv4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }
}
