package dev.egresskit.transport;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * A connection taken out of Netty by {@link EgressConnection#detach()}: the JDK channel, now in
 * blocking mode and owned by the caller, and the bytes that arrived together with the handshake's
 * last reply (an SMTP banner can share a segment with a SOCKS5 CONNECT reply), which the caller
 * must read before anything it reads from the channel.
 *
 * @param channel  the connected channel, in blocking mode; closing it closes the connection
 * @param received bytes already received from the destination, read-only, possibly empty
 */
public record DetachedChannel(SocketChannel channel, ByteBuffer received) {
  public DetachedChannel {
    Objects.requireNonNull(channel, "channel");
    received = Objects.requireNonNull(received, "received").asReadOnlyBuffer();
  }
}
