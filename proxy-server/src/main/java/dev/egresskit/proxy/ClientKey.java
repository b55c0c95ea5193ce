package dev.egresskit.proxy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * The unit the authentication limits count per: an IPv4 address, or the /64 of an IPv6 address
 * (one host usually holds a whole /64, so counting single IPv6 addresses would let it pick a
 * fresh one for every attempt). IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
record ClientKey(byte[] bytes) {

  static ClientKey of(InetAddress address) {
    byte[] raw = Addresses.normalize(address).getAddress();
    if (address instanceof Inet6Address && raw.length == 16) {
      return new ClientKey(Arrays.copyOf(raw, 8));
    }
    return new ClientKey(raw);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ClientKey key && Arrays.equals(bytes, key.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "ClientKey" + Arrays.toString(bytes);
  }
}
