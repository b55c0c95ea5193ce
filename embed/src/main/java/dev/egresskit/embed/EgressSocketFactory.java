package dev.egresskit.embed;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/** Sockets from one {@link SourcePicker}: each connection takes the picker's next source. */
final class EgressSocketFactory extends SocketFactory {
  private final EgressKit kit;
  private final SourcePicker picker;

  EgressSocketFactory(EgressKit kit, SourcePicker picker) {
    this.kit = kit;
    this.picker = picker;
  }

  @Override
  public Socket createSocket() {
    return kit.newSocket(picker);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return kit.openSocket(picker.next(), host, port, kit.connectTimeout());
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return kit.openSocket(picker.next(), host.getHostAddress(), port, kit.connectTimeout());
  }

  /** Refused: the source decides the local address. */
  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    throw new java.net.SocketException("the egress source decides the local address;"
        + " use createSocket(host, port)");
  }

  /** Refused: the source decides the local address. */
  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress,
      int localPort) throws IOException {
    return createSocket(address.getHostAddress(), port, localAddress, localPort);
  }

  @Override
  public String toString() {
    return "EgressSocketFactory[" + picker + "]";
  }
}
