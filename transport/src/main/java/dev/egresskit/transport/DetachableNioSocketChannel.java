package dev.egresskit.transport;

import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.channels.SocketChannel;

/**
 * An NIO channel whose JDK {@link SocketChannel} the transport can take back from Netty, so a
 * connection made (and handshaken) by the event loop can be handed over as a blocking socket.
 */
final class DetachableNioSocketChannel extends NioSocketChannel {

  DetachableNioSocketChannel(SelectorProvider provider, SocketProtocolFamily family) {
    super(provider, family);
  }

  /** The JDK channel under this Netty channel. */
  SocketChannel jdkChannel() {
    return javaChannel();
  }
}
