package dev.egresskit.proxy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** Address classification shared by the destination rule and the authentication limits. */
final class Addresses {

  private Addresses() {}

  /**
   * The IPv4 address an IPv4-mapped ({@code ::ffff:a.b.c.d}) or IPv4-compatible
   * ({@code ::a.b.c.d}) IPv6 address stands for, else the address itself. A dual-stack socket
   * that connects to {@code ::ffff:127.0.0.1} reaches 127.0.0.1, so rules must see that.
   */
  static InetAddress normalize(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] b = address.getAddress();
    boolean zeroPrefix = true;
    for (int i = 0; i < 10; i++) {
      zeroPrefix &= b[i] == 0;
    }
    boolean mapped = zeroPrefix && b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    boolean compatible = zeroPrefix && b[10] == 0 && b[11] == 0
        && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1));
    if (!mapped && !compatible) {
      return address;
    }
    try {
      return Inet4Address.getByAddress(Arrays.copyOfRange(b, 12, 16));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 bytes are always an IPv4 address", e);
    }
  }
}
