package dev.egresskit.proxy.robustness;

import dev.egresskit.proxy.HalfClosingEcho;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * A loopback echo server that accounts for every byte: per connection it keeps the count and a
 * CRC-32 of what it received, keyed by the first 8 bytes (the session id the client writes
 * first), echoes everything back, and answers the client's half-close by half-closing too.
 */
final class RecordingEchoServer implements AutoCloseable {

  /** What one connection delivered. */
  record Received(long bytes, long crc) {}

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Map<Long, Received> received = new ConcurrentHashMap<>();
  private final AtomicLong connections = new AtomicLong();
  private final Channel server;

  RecordingEchoServer() {
    server = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.incrementAndGet();
            ch.pipeline().addLast(new Recorder());
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  Map<Long, Received> received() {
    return received;
  }

  long connections() {
    return connections.get();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Recorder extends HalfClosingEcho {
    private final CRC32 crc = new CRC32();
    private final byte[] idBytes = new byte[8];
    private long bytes;

    @Override
    protected void received(ByteBuf buf) {
      int n = buf.readableBytes();
      for (int i = 0; i < n; i++) {
        byte b = buf.getByte(buf.readerIndex() + i);
        if (bytes + i < 8) {
          idBytes[(int) (bytes + i)] = b;
        }
      }
      crc.update(buf.nioBuffer());
      bytes += n;
    }

    @Override
    protected void inputShutdown() {
      record();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      record();
    }

    private boolean recorded;

    private void record() {
      if (!recorded && bytes >= 8) {
        recorded = true;
        received.put(java.nio.ByteBuffer.wrap(idBytes).getLong(), new Received(bytes, crc.getValue()));
      }
    }
  }
}
