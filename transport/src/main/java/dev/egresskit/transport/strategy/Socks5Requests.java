package dev.egresskit.transport.strategy;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;

/**
 * The SOCKS5 client's requests, written straight from the addresses' bytes (no text round trip
 * through an address string, no codec in the pipeline).
 */
final class Socks5Requests {
  private Socks5Requests() {}

  static final int VERSION = 0x05;
  static final int NO_AUTH = 0x00;
  static final int PASSWORD = 0x02;
  static final int CONNECT = 0x01;
  static final int BIND = 0x02;

  /** The largest greeting plus command requests of one exchange (IPv6 BIND and CONNECT). */
  static final int MAX_REQUESTS_LENGTH = 4 + 2 * (4 + 16 + 2);

  /** The one-flight greeting: exactly the one method the source will use. */
  static ByteBuf offer(ByteBuf out, int method) {
    return out.writeByte(VERSION).writeByte(1).writeByte(method);
  }

  /** The lock-step greeting: no-auth first, then username/password when configured. */
  static ByteBuf offerBoth(ByteBuf out, boolean password) {
    out.writeByte(VERSION).writeByte(password ? 2 : 1).writeByte(NO_AUTH);
    return password ? out.writeByte(PASSWORD) : out;
  }

  /**
   * BIND or CONNECT for an IP address (never a name: destinations are resolved first):
   * {@code 05 CMD 00 ATYP ADDR PORT}.
   */
  static ByteBuf command(ByteBuf out, int command, InetAddress address, int port) {
    byte[] ip = address.getAddress();
    return out.writeByte(VERSION).writeByte(command).writeByte(0)
        .writeByte(ip.length == 4 ? 0x01 : 0x04).writeBytes(ip).writeShort(port);
  }
}
