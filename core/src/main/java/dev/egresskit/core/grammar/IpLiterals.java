package dev.egresskit.core.grammar;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Strict IP literals, exactly as Rust's {@code IpAddr::from_str} reads them (spec §1): IPv4 as four
 * decimal octets without leading zeros, IPv6 in RFC 4291 text form ({@code ::} once, an embedded
 * {@code a.b.c.d} in the last 32 bits, hex digits in either case). Brackets, ports, zone ids and
 * host names are rejected. <b>Nothing here ever performs a DNS lookup</b>: addresses are built
 * with {@link InetAddress#getByAddress(byte[])} from the parsed bytes.
 *
 * <p>IPv4-mapped IPv6 text ({@code ::ffff:192.0.2.1}) stays an {@link Inet6Address}, as it stays
 * {@code IpAddr::V6} in KumoMTA. (Plain {@code InetAddress.getByAddress} would turn those 16 bytes
 * into an {@link Inet4Address}, silently changing the address family a socket binds with.)
 */
public final class IpLiterals {
  /** The reason given for every malformed IP literal (Rust's {@code AddrParseError} text). */
  public static final String INVALID = "invalid IP address syntax";

  private IpLiterals() {}

  /**
   * Parses an IP literal.
   *
   * @throws IllegalArgumentException with {@link #INVALID} when the text is not an IP literal
   */
  public static InetAddress parse(String text) {
    Objects.requireNonNull(text, "text");
    byte[] bytes = parseBytes(text);
    if (bytes == null) {
      throw new IllegalArgumentException(INVALID);
    }
    return toAddress(bytes, 0);
  }

  /**
   * Formats an address like Rust's {@code Display}: dotted IPv4, and RFC 5952 IPv6 (lowercase,
   * the longest run of two or more zero groups as {@code ::}, IPv4-mapped addresses as
   * {@code ::ffff:a.b.c.d}). A zone id is not printed. {@code parse(format(a))} equals {@code a}.
   */
  public static String format(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    boolean mapped = groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0
        && groups[4] == 0 && groups[5] == 0xffff;
    if (mapped) {
      return "::ffff:" + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "."
          + (b[15] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && groups[i] == 0) {
        i++;
      }
      if (i - start > bestLen) {
        bestStart = start;
        bestLen = i - start;
      }
    }
    StringBuilder out = new StringBuilder();
    if (bestLen > 1) {
      appendGroups(out, groups, 0, bestStart);
      out.append("::");
      appendGroups(out, groups, bestStart + bestLen, 8);
    } else {
      appendGroups(out, groups, 0, 8);
    }
    return out.toString();
  }

  /**
   * {@code 10.0.0.1:25} or {@code [2001:db8::1]:25}, with the address as {@link #format(InetAddress)}
   * prints it; an unresolved address prints its host name.
   */
  public static String format(InetSocketAddress address) {
    InetAddress ip = address.getAddress();
    if (ip == null) {
      return address.getHostString() + ":" + address.getPort();
    }
    String host = format(ip);
    return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** True when both addresses are IPv4, or both IPv6 ({@code ::ffff:a.b.c.d} is IPv6). */
  public static boolean sameFamily(InetAddress a, InetAddress b) {
    return isIpv4(a) == isIpv4(b);
  }

  private static void appendGroups(StringBuilder out, int[] groups, int from, int to) {
    for (int i = from; i < to; i++) {
      if (i > from) {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
  }

  /** The parsed bytes (4 or 16), or {@code null} when the text is not an IP literal. */
  static byte[] parseBytes(String text) {
    Cursor c = new Cursor(text);
    byte[] v4 = c.readIpv4();
    if (v4 != null) {
      return c.atEnd() ? v4 : null;
    }
    c.pos = 0;
    byte[] v6 = c.readIpv6();
    return v6 != null && c.atEnd() ? v6 : null;
  }

  /** Builds the address without any lookup; 16 bytes always give an {@link Inet6Address}. */
  public static InetAddress toAddress(byte[] bytes, int scopeId) {
    try {
      if (bytes.length == 4) {
        return InetAddress.getByAddress(bytes);
      }
      return Inet6Address.getByAddress(null, bytes, scopeId > 0 ? scopeId : -1);
    } catch (UnknownHostException e) {
      // Only thrown for a wrong array length, which the parser never produces.
      throw new IllegalStateException(e);
    }
  }

  /** {@code true} for IPv4 addresses ({@code ::ffff:a.b.c.d} counts as IPv6, see class doc). */
  public static boolean isIpv4(InetAddress address) {
    return address instanceof Inet4Address;
  }

  /**
   * A recursive-descent reader with Rust {@code std::net} parser semantics: every production is
   * atomic (restores the position when it fails).
   */
  static final class Cursor {
    final String s;
    int pos;

    Cursor(String s) {
      this.s = s;
    }

    boolean atEnd() {
      return pos == s.length();
    }

    boolean readGiven(char ch) {
      if (pos < s.length() && s.charAt(pos) == ch) {
        pos++;
        return true;
      }
      return false;
    }

    private static int digit(char c, int radix) {
      if (c >= '0' && c <= '9') {
        return c - '0';
      }
      if (radix == 16) {
        if (c >= 'a' && c <= 'f') {
          return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
          return c - 'A' + 10;
        }
      }
      return -1;
    }

    /** Rust's {@code read_number}; -1 when no number fits (position restored). */
    long readNumber(int radix, int maxDigits, boolean allowZeroPrefix, long max) {
      int start = pos;
      boolean leadingZero = pos < s.length() && s.charAt(pos) == '0';
      long result = 0;
      int count = 0;
      while (pos < s.length()) {
        int d = digit(s.charAt(pos), radix);
        if (d < 0) {
          break;
        }
        pos++;
        result = result * radix + d;
        count++;
        if (result > max || (maxDigits > 0 && count > maxDigits)) {
          pos = start;
          return -1;
        }
      }
      if (count == 0 || (!allowZeroPrefix && leadingZero && count > 1)) {
        pos = start;
        return -1;
      }
      return result;
    }

    byte[] readIpv4() {
      int start = pos;
      byte[] out = new byte[4];
      for (int i = 0; i < 4; i++) {
        if (i > 0 && !readGiven('.')) {
          pos = start;
          return null;
        }
        long octet = readNumber(10, 3, false, 255);
        if (octet < 0) {
          pos = start;
          return null;
        }
        out[i] = (byte) octet;
      }
      return out;
    }

    /** Reads up to {@code limit} groups; returns the count, negated-minus-one if it ended in IPv4. */
    private int readGroups(int[] groups, int limit) {
      for (int i = 0; i < limit; i++) {
        if (i < limit - 1) {
          int save = pos;
          if (i == 0 || readGiven(':')) {
            byte[] v4 = readIpv4();
            if (v4 != null) {
              groups[i] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
              groups[i + 1] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
              return -(i + 2) - 1;
            }
          }
          pos = save;
        }
        int save = pos;
        long group = -1;
        if (i == 0 || readGiven(':')) {
          group = readNumber(16, 4, true, 0xffff);
        }
        if (group < 0) {
          pos = save;
          return i;
        }
        groups[i] = (int) group;
      }
      return limit;
    }

    byte[] readIpv6() {
      int start = pos;
      int[] head = new int[8];
      int headResult = readGroups(head, 8);
      boolean headIpv4 = headResult < 0;
      int headSize = headIpv4 ? -headResult - 1 : headResult;
      if (headSize == 8) {
        return toBytes(head);
      }
      if (headIpv4 || !readGiven(':') || !readGiven(':')) {
        pos = start;
        return null;
      }
      int[] tail = new int[7];
      int tailResult = readGroups(tail, 8 - (headSize + 1));
      int tailSize = tailResult < 0 ? -tailResult - 1 : tailResult;
      System.arraycopy(tail, 0, head, 8 - tailSize, tailSize);
      return toBytes(head);
    }

    private static byte[] toBytes(int[] groups) {
      byte[] out = new byte[16];
      for (int i = 0; i < 8; i++) {
        out[2 * i] = (byte) (groups[i] >>> 8);
        out[2 * i + 1] = (byte) groups[i];
      }
      return out;
    }
  }
}
