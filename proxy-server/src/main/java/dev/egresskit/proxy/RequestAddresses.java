package dev.egresskit.proxy;

import io.netty.handler.codec.socksx.v5.Socks5AddressDecoder;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.util.NetUtil;
import java.net.InetAddress;

/** Reading the address of a BIND or CONNECT request. */
final class RequestAddresses {

  /** Rejects address types other than IPv4, domain and IPv6 with a recognisable exception. */
  static final Socks5AddressDecoder DECODER = (type, in) -> {
    if (type != Socks5AddressType.IPv4 && type != Socks5AddressType.IPv6
        && type != Socks5AddressType.DOMAIN) {
      throw new UnsupportedAddressTypeException(type);
    }
    return Socks5AddressDecoder.DEFAULT.decodeAddress(type, in);
  };

  private RequestAddresses() {}

  /** The request's IP address, or null for a domain name (KumoProxy: "Domain not supported"). */
  static InetAddress ipOf(Socks5CommandRequest request) {
    if (request.dstAddrType().equals(Socks5AddressType.DOMAIN)) {
      return null;
    }
    return NetUtil.createInetAddressFromIpAddressString(request.dstAddr());
  }

  /** Whether a decoding failure was an unsupported address type (answered with 08). */
  static boolean unsupportedType(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof UnsupportedAddressTypeException) {
        return true;
      }
    }
    return false;
  }

  /** An address type other than 01, 03 and 04: answered with 08. */
  static final class UnsupportedAddressTypeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnsupportedAddressTypeException(Socks5AddressType type) {
      super("unsupported address type " + (type.byteValue() & 0xff), null, false, false);
    }
  }
}
