package dev.egresskit.testkit.sink.robustness;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * An {@link EmbeddedChannel} that reports loopback socket addresses, as the sink's session
 * handler expects from a real TCP channel. No socket: writes and time are driven by the test.
 */
final class InetEmbeddedChannel extends EmbeddedChannel {
  static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.2", 40000);
  static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 25);

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

  /** Everything the handlers wrote so far, as text (the buffers are released). */
  String drainOutbound() {
    StringBuilder text = new StringBuilder();
    for (Object msg = readOutbound(); msg != null; msg = readOutbound()) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        text.append(buf.toString(StandardCharsets.UTF_8));
      } finally {
        buf.release();
      }
    }
    return text.toString();
  }
}
