package dev.egresskit.testkit.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Consumer;

/**
 * An {@link EmbeddedChannel} that reports loopback socket addresses, as a server's handlers
 * expect from an accepted TCP channel: peer {@code 127.0.0.2:40000}, local
 * {@code 127.0.0.1:2525}. No socket: the test drives every read and write, so fuzz runs are fast and
 * deterministic.
 */
public final class InetEmbeddedChannel extends EmbeddedChannel {
  /** The peer address every instance reports. */
  public static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.2", 40000);
  /**
   * The local address every instance reports. A constant on purpose: the channel becomes active
   * (and handlers read it) inside the superclass constructor, before any field could be set.
   */
  public static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 2525);

  /** @param install adds the server's handlers, as a {@code ChannelInitializer} would */
  public InetEmbeddedChannel(Consumer<Channel> install) {
    super(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        install.accept(ch);
      }
    });
  }

  @Override
  protected SocketAddress remoteAddress0() {
    return PEER;
  }

  @Override
  protected SocketAddress localAddress0() {
    return LOCAL;
  }

  /** Every byte the handlers wrote so far (the buffers are released). */
  public byte[] drainOutbound() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object msg = readOutbound(); msg != null; msg = readOutbound()) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        out.writeBytes(ByteBufUtil.getBytes(buf));
      } finally {
        buf.release();
      }
    }
    return out.toByteArray();
  }
}
