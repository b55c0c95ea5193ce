package dev.egresskit.mail;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.embed.EgressKit;
import dev.egresskit.embed.SourcePicker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * The socket factory Jakarta Mail gets: unconnected egress sockets that perform the route when
 * Jakarta Mail connects them. The source is the one {@link EgressSmtpTransport} picked for the
 * connection it is opening on this thread (so the socket and the EHLO name agree); a socket
 * created outside such a connection takes the next source from the configured picker.
 */
final class RoutedSocketFactory extends SocketFactory {
  /** The source the transport picked for the connection being opened on this thread. */
  private static final ThreadLocal<EgressSource> PICKED = new ThreadLocal<>();

  private final EgressKit kit;
  private final SourcePicker picker;

  RoutedSocketFactory(EgressKit kit, SourcePicker picker) {
    this.kit = kit;
    this.picker = picker;
  }

  /** Runs {@code open} with {@code source} as the source of the sockets it creates. */
  static <T, E extends Exception> T withSource(EgressSource source, Action<T, E> open) throws E {
    EgressSource previous = PICKED.get();
    PICKED.set(source);
    try {
      return open.run();
    } finally {
      if (previous == null) {
        PICKED.remove();
      } else {
        PICKED.set(previous);
      }
    }
  }

  /** Something that opens a connection. */
  interface Action<T, E extends Exception> {
    T run() throws E;
  }

  private SourcePicker current() {
    EgressSource picked = PICKED.get();
    return picked != null ? SourcePicker.of(picked) : picker;
  }

  @Override
  public Socket createSocket() throws IOException {
    return kit.socketFactory(current()).createSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return kit.socketFactory(current()).createSocket(host, port);
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return kit.socketFactory(current()).createSocket(host, port);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return kit.socketFactory(current()).createSocket(host, port, localHost, localPort);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress,
      int localPort) throws IOException {
    return kit.socketFactory(current()).createSocket(address, port, localAddress, localPort);
  }

  @Override
  public String toString() {
    return "EgressKit sockets for " + picker;
  }
}
