package dev.egresskit.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the client's SOCKS5 messages straight from the bytes received so far: the method
 * greeting ({@code 05 NMETHODS METHODS}), the RFC 1929 request
 * ({@code 01 ULEN UNAME PLEN PASSWD}) and a request ({@code 05 CMD RSV ATYP ADDR PORT}).
 *
 * <p>Each {@code *Length} method looks at the message at the buffer's reader index without
 * consuming anything and answers with its length once all of it is there, {@link #INCOMPLETE}
 * while bytes are missing, or a negative problem code. A field is judged as soon as its byte has
 * arrived (a wrong version at the first byte, no methods at the second, an unknown address type
 * at the fourth), so a client speaking something else is answered at once, not at a timeout.
 * Looking again when more bytes come reads only the length fields: a message split over many
 * reads costs a few byte reads per read. The caller reads the fields with the accessors, then
 * skips the message.
 */
final class HandshakeParser {

  /** Not all of the message has arrived yet. */
  static final int INCOMPLETE = 0;
  /** The version byte is not the one this step expects. */
  static final int BAD_VERSION = -1;
  /** A greeting with {@code NMETHODS} 0. */
  static final int NO_METHODS = -2;
  /** A request whose address type is none of 01, 03 and 04 (answered with 08). */
  static final int UNSUPPORTED_ADDRESS = -3;

  static final int SOCKS_VERSION = 5;
  static final int AUTH_VERSION = 1;
  static final int ATYP_IPV4 = 1;
  static final int ATYP_DOMAIN = 3;
  static final int ATYP_IPV6 = 4;

  private static final ByteProcessor ASCII = value -> value >= 0;

  private HandshakeParser() {}

  /** The length of the greeting at the reader index, {@link #INCOMPLETE} or a problem. */
  static int greetingLength(ByteBuf in) {
    int readable = versionedHead(in, SOCKS_VERSION, 2);
    if (readable <= 0) {
      return readable;
    }
    int at = in.readerIndex();
    int methods = in.getUnsignedByte(at + 1);
    if (methods == 0) {
      return NO_METHODS;
    }
    return readable < 2 + methods ? INCOMPLETE : 2 + methods;
  }

  /**
   * The start every message shares: the bytes readable when the version byte at the reader index
   * is {@code version} and at least {@code head} bytes have arrived; otherwise {@link
   * #BAD_VERSION} (judged at the first byte) or {@link #INCOMPLETE}. Both of those are at most
   * 0, so a caller answers {@code if (readable <= 0) return readable;}.
   */
  private static int versionedHead(ByteBuf in, int version, int head) {
    int readable = in.readableBytes();
    if (readable < 1) {
      return INCOMPLETE;
    }
    if (in.getByte(in.readerIndex()) != version) {
      return BAD_VERSION;
    }
    return readable < head ? INCOMPLETE : readable;
  }

  /** Whether the complete greeting at the reader index offers the method. */
  static boolean offers(ByteBuf in, int method) {
    int at = in.readerIndex();
    int methods = in.getUnsignedByte(at + 1);
    return in.indexOf(at + 2, at + 2 + methods, (byte) method) >= 0;
  }

  /** The length of the RFC 1929 request at the reader index, {@link #INCOMPLETE} or a problem. */
  static int authLength(ByteBuf in) {
    int readable = versionedHead(in, AUTH_VERSION, 2);
    if (readable <= 0) {
      return readable;
    }
    int at = in.readerIndex();
    int passwordLengthAt = 2 + in.getUnsignedByte(at + 1);
    if (readable <= passwordLengthAt) {
      return INCOMPLETE;
    }
    int length = passwordLengthAt + 1 + in.getUnsignedByte(at + passwordLengthAt);
    return readable < length ? INCOMPLETE : length;
  }

  /** The username of the complete RFC 1929 request at the reader index, or null if not UTF-8. */
  static String username(ByteBuf in) {
    int at = in.readerIndex();
    return utf8(in, at + 2, in.getUnsignedByte(at + 1));
  }

  /** The password of the complete RFC 1929 request at the reader index, or null if not UTF-8. */
  static String password(ByteBuf in) {
    int at = in.readerIndex();
    int passwordLengthAt = at + 2 + in.getUnsignedByte(at + 1);
    return utf8(in, passwordLengthAt + 1, in.getUnsignedByte(passwordLengthAt));
  }

  /** The length of the request at the reader index, {@link #INCOMPLETE} or a problem. */
  static int requestLength(ByteBuf in) {
    int readable = versionedHead(in, SOCKS_VERSION, 4);
    if (readable <= 0) {
      return readable;
    }
    int at = in.readerIndex();
    // RSV (the third byte) is not checked: KumoProxy and Netty's decoder skip it too.
    int length;
    switch (in.getUnsignedByte(at + 3)) {
      case ATYP_IPV4 -> length = 4 + 4 + 2;
      case ATYP_IPV6 -> length = 4 + 16 + 2;
      case ATYP_DOMAIN -> {
        if (readable < 5) {
          return INCOMPLETE;
        }
        length = 4 + 1 + in.getUnsignedByte(at + 4) + 2;
      }
      default -> {
        return UNSUPPORTED_ADDRESS;
      }
    }
    return readable < length ? INCOMPLETE : length;
  }

  /** The command byte of the request at the reader index. */
  static int command(ByteBuf in) {
    return in.getUnsignedByte(in.readerIndex() + 1);
  }

  /** The address type of the request at the reader index. */
  static int addressType(ByteBuf in) {
    return in.getUnsignedByte(in.readerIndex() + 3);
  }

  /** The port of the complete request of the given length at the reader index. */
  static int port(ByteBuf in, int length) {
    return in.getUnsignedShort(in.readerIndex() + length - 2);
  }

  /**
   * The IP address of the complete request at the reader index, or null for a domain name
   * (never read: KumoProxy answers "Domain not supported"). An IPv4-mapped IPv6 address is an
   * IPv4 address, as {@link InetAddress#getByAddress(byte[])} makes it.
   */
  static InetAddress ip(ByteBuf in) {
    int type = addressType(in);
    if (type == ATYP_DOMAIN) {
      return null;
    }
    byte[] address = new byte[type == ATYP_IPV4 ? 4 : 16];
    in.getBytes(in.readerIndex() + 4, address);
    try {
      return InetAddress.getByAddress(address);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes are always an IP address", e);
    }
  }

  /** Describes a problem code for the connection log, with the offending byte but no secret. */
  static String problem(int code, ByteBuf in, int expectedVersion) {
    int at = in.readerIndex();
    return switch (code) {
      case BAD_VERSION -> "unsupported version: " + in.getUnsignedByte(at)
          + " (expected: " + expectedVersion + ")";
      case NO_METHODS -> "handshake must provide at least one authentication method";
      case UNSUPPORTED_ADDRESS -> "unsupported address type " + in.getUnsignedByte(at + 3);
      default -> "malformed message (problem " + code + ")";
    };
  }

  /** Strict UTF-8 (RFC 1929 fields, as KumoProxy reads them), or null when the bytes are not. */
  private static String utf8(ByteBuf in, int index, int length) {
    if (length == 0) {
      return "";
    }
    if (in.forEachByte(index, length, ASCII) < 0) {
      return in.toString(index, length, StandardCharsets.US_ASCII);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(in.nioBuffer(index, length)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
