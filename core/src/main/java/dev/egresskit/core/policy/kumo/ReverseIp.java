package dev.egresskit.core.policy.kumo;

import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.grammar.IpLiterals;
import java.net.Inet4Address;
import java.net.InetAddress;

/** {@code kumo.dns.reverse_ip} and {@code kumo.dns.ptr_host}: pure DNS name arithmetic. */
final class ReverseIp {
  private ReverseIp() {}

  /** {@code 10.0.0.1} gives {@code 1.0.0.10}; IPv6 gives its reversed nibbles. */
  static String reverse(String function, String text) {
    InetAddress address;
    try {
      address = IpLiterals.parse(text);
    } catch (IllegalArgumentException e) {
      throw new KumoApiException(function + ": '" + text + "' is not an IP address");
    }
    byte[] bytes = address.getAddress();
    StringBuilder out = new StringBuilder();
    for (int i = bytes.length - 1; i >= 0; i--) {
      int b = bytes[i] & 0xff;
      if (address instanceof Inet4Address) {
        out.append(out.length() == 0 ? "" : ".").append(b);
      } else {
        out.append(out.length() == 0 ? "" : ".").append(Integer.toHexString(b & 0xf))
            .append('.').append(Integer.toHexString(b >> 4));
      }
    }
    return out.toString();
  }

  /** The PTR query name: the reversed address under {@code in-addr.arpa} or {@code ip6.arpa}. */
  static String ptrHost(String function, String text) {
    String reversed = reverse(function, text);
    return reversed + (text.contains(":") ? ".ip6.arpa" : ".in-addr.arpa");
  }
}
