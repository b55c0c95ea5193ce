package dev.egresskit.proxy;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}, or a bare IP):
 * the proxy's source allow-list, and the trusted hosts of its HTTP listener.
 */
public final class Cidr {

  static final String FORM = "an IP literal or <ip>/<prefix> such as 127.0.0.0/8 or 2001:db8::/32";

  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /**
   * Parses the text; never resolves a name.
   *
   * @param text an IP literal or {@code ip/prefix}
   * @return the network
   * @throws IllegalArgumentException when it is neither
   */
  public static Cidr parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty CIDR: expected " + FORM);
    }
    String trimmed = text.strip();
    int slash = trimmed.indexOf('/');
    String ip = slash < 0 ? trimmed : trimmed.substring(0, slash);
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip);
    if (bytes == null) {
      throw new IllegalArgumentException("\"" + text + "\" is not a CIDR: expected " + FORM);
    }
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String p = trimmed.substring(slash + 1);
      try {
        prefix = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > max || !p.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException(
            "\"" + text + "\" has an invalid prefix: expected 0 to " + max + " in " + FORM);
      }
    }
    return new Cidr(mask(bytes, prefix), prefix, trimmed);
  }

  /** Whether the address is inside this network; IPv4 and IPv6 never match each other. */
  /**
   * Whether the network holds the address (an IPv4 network never holds an IPv6 address).
   *
   * @param address the address
   * @return true when it is inside
   */
  public boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    return bytes.length == network.length && Arrays.equals(mask(bytes, prefix), network);
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - bits)));
    }
    return out;
  }

  @Override
  public String toString() {
    return text;
  }
}
