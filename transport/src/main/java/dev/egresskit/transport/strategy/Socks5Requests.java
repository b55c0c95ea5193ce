package dev.egresskit.transport.strategy;

import dev.egresskit.core.grammar.IpLiterals;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandRequest;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5AddressDecoder;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** The SOCKS5 client's requests, and the address rule its reply decoders apply. */
final class Socks5Requests {
  private Socks5Requests() {}

  /** The one-flight greetings: exactly the one method the source will use. */
  static final DefaultSocks5InitialRequest OFFER_NO_AUTH =
      new DefaultSocks5InitialRequest(Socks5AuthMethod.NO_AUTH);
  static final DefaultSocks5InitialRequest OFFER_PASSWORD =
      new DefaultSocks5InitialRequest(Socks5AuthMethod.PASSWORD);

  /** Netty's address decoder, restricted to the three types RFC 1928 defines. */
  static final Socks5AddressDecoder ADDRESSES = (type, in) -> {
    if (type != Socks5AddressType.IPv4 && type != Socks5AddressType.IPv6
        && type != Socks5AddressType.DOMAIN) {
      throw new Socks5ProtocolException(
          String.format("invalid address type %02X", type.byteValue() & 0xff));
    }
    return Socks5AddressDecoder.DEFAULT.decodeAddress(type, in);
  };

  /** BIND or CONNECT for an IP address (never a name: destinations are resolved first). */
  static DefaultSocks5CommandRequest command(Socks5CommandType type, InetSocketAddress target) {
    Socks5AddressType addressType = target.getAddress() instanceof Inet6Address
        ? Socks5AddressType.IPv6 : Socks5AddressType.IPv4;
    return new DefaultSocks5CommandRequest(type, addressType,
        IpLiterals.format(target.getAddress()), target.getPort());
  }
}
