package dev.egresskit.proxy.robustness;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Consumer;

/** An {@link EmbeddedChannel} that reports loopback socket addresses, like an accepted socket. */
final class InetEmbeddedChannel extends EmbeddedChannel {
  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.2", 40000);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 1080);

  InetEmbeddedChannel(Consumer<Channel> install) {
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

  /** Every byte the server wrote so far (the buffers are released). */
  byte[] drainOutbound() {
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
