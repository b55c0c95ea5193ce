package dev.egresskit.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.Native;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A relay that moves bytes with {@code splice(2)} (socket → pipe → socket, no copy through user
 * space), as KumoProxy does, on the epoll transport.
 *
 * <p>Netty's own {@code spliceTo} cannot be used: it shuts a socket's input as soon as it has
 * seen the peer's FIN, after splicing at most one pipe-full, so bytes still queued behind it are
 * lost; and it does not say how many bytes moved. So the two channels leave Netty's event
 * handling once the handshake is done (they are deregistered, keeping their sockets and
 * options, TCP keep-alive included) and this class registers their sockets with the same event
 * loop itself ({@link EpollIoHandle}), edge-triggered, and pumps each direction through a pipe
 * of its own:
 *
 * <ul>
 *   <li>a direction starts by copying: it reads into a 16 KiB buffer and writes that out, and
 *       opens its pipe only when a read fills the buffer (bulk data flows). A short session
 *       (an MTA's greeting, commands and small message) so never pays for pipes, and a short
 *       read tells it the socket is drained without the empty splice that splicing needs;
 *   <li>once splicing, a direction reads (splices in) only when its pipe is empty, so a splice that moves
 *       nothing means "no data now" or "end of stream", never "pipe full"; a one-byte
 *       {@code read} tells the two apart (-1 is the FIN, a byte is forwarded like any other);
 *   <li>the FIN is passed on as {@code shutdown(SHUT_WR)} only once the pipe is drained, so every
 *       byte before it is delivered; the relay closes when both directions are finished;
 *   <li>bytes are counted as they are spliced out to the receiving socket (what {@code splice}
 *       returns), so {@code proxy_bytes_*} and the log line are exact;
 *   <li>back-pressure: while a receiver's socket is full the direction stops reading and waits
 *       for {@code EPOLLOUT};
 *   <li>the idle timeout runs on the event loop from the time of the last byte moved.
 * </ul>
 *
 * <p>Confined to the channels' event loop (the outbound channel is registered on the client's).
 */
final class SpliceRelay {

  /** How much one splice call may move; the kernel bounds it by the pipe's free space. */
  private static final int CHUNK = 1 << 20;
  /**
   * A direction copies through a buffer of this size until one read fills it, then opens its
   * pipe and splices. An MTA's session (greeting, commands, replies, a small message) never
   * fills it, so it costs no pipe (a {@code pipe2} and two {@code close} per direction) and
   * no wasted splice: a read that returns less than asked says the socket is drained, where an
   * empty splice must be tried to know it.
   */
  static final int COPY_LIMIT = 16 * 1024;
  /** Reads a copying direction makes per readiness event before yielding to others. */
  private static final int ROUNDS_COPYING = 16;
  /** Linux's pipe size when it cannot be grown. */
  private static final int DEFAULT_PIPE = 64 * 1024;
  /** Bytes one direction moves per readiness event (in pipe-fulls) before yielding to others. */
  private static final int BYTES_PER_EVENT = 1 << 20;
  private static final String HANDOFF = "splice-handoff";
  /**
   * Interest while nothing waits for room: edge-triggered, so a socket that stays hung up never
   * spins. {@code EPOLLOUT} is left out: on a socket taking bulk data every ACK that frees send
   * space would be an edge, and each one a wake-up of the loop with nothing to do (they were
   * about half of a bulk relay's wake-ups).
   */
  private static final EpollIoOps INTEREST = EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLRDHUP)
      .with(EpollIoOps.EPOLLERR).with(EpollIoOps.EPOLLET);
  /**
   * Interest while a direction waits for room on this socket. Adding {@code EPOLLOUT} with
   * {@code EPOLL_CTL_MOD} reports it at once if the room came meanwhile, so no edge is missed.
   */
  private static final EpollIoOps INTEREST_AND_ROOM = INTEREST.with(EpollIoOps.EPOLLOUT);
  private static final int NOT_IN_OR_OUT = ~(EpollIoOps.EPOLLIN.value() | EpollIoOps.EPOLLOUT.value());
  /** The buffer a direction copies through before it splices; used within one call only. */
  private static final FastThreadLocal<ByteBuffer> COPY = new FastThreadLocal<>() {
    @Override
    protected ByteBuffer initialValue() {
      return ByteBuffer.allocateDirect(COPY_LIMIT);
    }
  };
  /** The one-byte read that tells "no data now" from the end of the stream. */
  private static final FastThreadLocal<ByteBuffer> PROBE = new FastThreadLocal<>() {
    @Override
    protected ByteBuffer initialValue() {
      return ByteBuffer.allocateDirect(1);
    }
  };

  private final ConnectionRecord record;
  private final AbstractEpollStreamChannel clientChannel;
  private final AbstractEpollStreamChannel outboundChannel;
  private final Side client;
  private final Side outbound;
  private final Direction up;
  private final Direction down;
  private final long idleNanos;
  private RelayIdle idle;
  private boolean closed;

  private SpliceRelay(ConnectionRecord record, AbstractEpollStreamChannel clientChannel,
      AbstractEpollStreamChannel outboundChannel, Duration idle) {
    this.record = record;
    this.clientChannel = clientChannel;
    this.outboundChannel = outboundChannel;
    this.client = new Side(clientChannel);
    this.outbound = new Side(outboundChannel);
    this.up = new Direction(client, outbound, true);
    this.down = new Direction(outbound, client, false);
    this.idleNanos = idle.toNanos();
  }

  /** Whether this relay can run: both channels on epoll, and no TLS on the client's side. */
  static boolean applies(Channel client, Channel outbound) {
    return client instanceof AbstractEpollStreamChannel
        && outbound instanceof AbstractEpollStreamChannel
        && client.pipeline().get(SslHandler.class) == null;
  }

  /**
   * Takes a dialled connection over from the handshake: waits for the SOCKS reply to leave,
   * moves both channels off Netty's event handling, then relays.
   *
   * @param early bytes the client sent after its CONNECT, or null (this takes ownership)
   * @param inputShutdown whether the client already sent FIN
   */
  static void start(ChannelHandlerContext ctx, ConnectionRecord record, Channel outboundChannel,
      ByteBuf early, boolean inputShutdown, Duration idle) {
    Channel clientChannel = ctx.channel();
    clientChannel.config().setAutoRead(false); // from here on bytes should stay in the kernel
    record.spliced();
    SpliceRelay relay = new SpliceRelay(record, (AbstractEpollStreamChannel) clientChannel,
        (AbstractEpollStreamChannel) outboundChannel, idle);
    if (early != null) {
      relay.up.pending(early);
    }
    relay.up.sourceEnded = inputShutdown;
    // Until the sockets are ours, Netty may still read (it reads on EPOLLRDHUP whatever
    // auto-read says): whatever it reads is kept, in order, for the relay.
    ChannelPipeline pipeline = clientChannel.pipeline();
    pipeline.addLast(HANDOFF, relay.new Handoff(relay.up));
    outboundChannel.pipeline().addLast(HANDOFF, relay.new Handoff(relay.down));
    clientChannel.closeFuture().addListener(f -> relay.close());
    outboundChannel.closeFuture().addListener(f -> relay.close());
    // The success reply must be on the wire before Netty lets go of the client's socket.
    clientChannel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> {
      if (!flushed.isSuccess()) {
        relay.fail(flushed.cause());
        return;
      }
      clientChannel.deregister().addListener(a -> outboundChannel.deregister().addListener(b -> {
        if (!a.isSuccess() || !b.isSuccess()) {
          relay.fail(a.isSuccess() ? b.cause() : a.cause());
        } else {
          relay.register();
        }
      }));
    });
  }

  private void register() {
    if (closed) {
      return;
    }
    IoEventLoop loop = (IoEventLoop) clientChannel.eventLoop();
    loop.register(client).addListener(a -> loop.register(outbound).addListener(b -> {
      if (a.isSuccess()) {
        client.registration = (IoRegistration) a.getNow();
      }
      if (b.isSuccess()) {
        outbound.registration = (IoRegistration) b.getNow();
      }
      if (closed || !a.isSuccess() || !b.isSuccess()) {
        if (closed) {
          cancelRegistrations(); // a channel closed while the sockets were being registered
        } else {
          fail(a.isSuccess() ? b.cause() : a.cause());
        }
        return;
      }
      clientChannel.pipeline().remove(HANDOFF);
      outboundChannel.pipeline().remove(HANDOFF);
      client.registration.submit(INTEREST);
      outbound.registration.submit(INTEREST);
      idle = RelayIdle.start(loop, idleNanos, this::idledOut);
      pump(up);
      pump(down);
    }));
  }

  // ---- moving bytes ----

  private void pump(Direction d) {
    if (closed) {
      return;
    }
    try {
      d.pump();
    } catch (IOException e) {
      fail(e);
      return;
    }
    if (up.finished && down.finished) {
      close();
    }
  }

  /** One way through the relay: from a socket into a pipe, from the pipe into the other socket. */
  private final class Direction {
    final Side from;
    final Side to;
    final boolean fromClient;
    FileDescriptor pipeOut;   // read end
    FileDescriptor pipeIn;    // write end
    int inPipe;
    int rounds = ROUNDS_COPYING;
    boolean grown;            // PipeSize grew the pipe: give it back on close
    ByteBuf pending;          // bytes Netty read before the hand-over, sent before the pipe's
    boolean sourceEnded;      // FIN read from the source
    boolean finished;         // FIN passed on
    /** Pumps this direction again after other channels had their turn; built once. */
    final Runnable resume = () -> SpliceRelay.this.pump(this);

    Direction(Side from, Side to, boolean fromClient) {
      this.from = from;
      this.to = to;
      this.fromClient = fromClient;
      from.reading = this;
      to.writing = this;
    }

    /** Queues bytes to send before the pipe's; kept in one direct buffer, as write(2) needs. */
    void pending(ByteBuf buf) {
      if (pending == null && buf.isDirect() && buf.nioBufferCount() == 1) {
        pending = buf;
        return;
      }
      int before = pending == null ? 0 : pending.readableBytes();
      ByteBuf joined = Unpooled.directBuffer(before + buf.readableBytes());
      if (pending != null) {
        joined.writeBytes(pending);
        pending.release();
      }
      joined.writeBytes(buf);
      buf.release();
      pending = joined;
    }

    void pump() throws IOException {
      if (finished) {
        return;
      }
      for (int round = 0; ; round++) {
        if (!drain()) {
          to.watchRoom(true); // the receiver is full: its EPOLLOUT resumes this direction
          return;
        }
        to.watchRoom(false);
        if (sourceEnded) {
          finished = true;
          to.socket.shutdown(false, true);
          return;
        }
        if (round >= rounds) {
          // Edge-triggered: epoll will not report the rest, so come back after other channels.
          clientChannel.eventLoop().execute(resume);
          return;
        }
        if (pipeIn == null) {
          ByteBuffer buf = COPY.get();
          int n = from.socket.read(buf, 0, COPY_LIMIT);
          if (n < 0) {
            sourceEnded = true;
            continue;
          }
          if (n == 0) {
            return; // nothing now: the next edge resumes this direction
          }
          send(buf, n);
          if (n == COPY_LIMIT) {
            // Bulk is flowing: from now on the bytes stay in the kernel.
            FileDescriptor[] pipe = FileDescriptor.pipe();
            pipeOut = pipe[0];
            pipeIn = pipe[1];
            // 1 MiB where PipeSize can grow it (JNA), else 64 KiB; fewer, larger splices.
            int size = PipeSize.grow(pipeIn);
            grown = size > 0;
            rounds = Math.max(2, BYTES_PER_EVENT / (size > 0 ? size : DEFAULT_PIPE));
            record.pipeOpened();
          } else if (!from.hungUp) {
            // A short read drained the socket; new bytes, or the peer's FIN, bring a new edge.
            // Once the peer has shut down no edge will come, so read on to the end of stream.
            return;
          }
          continue;
        }
        int n = Native.splice(from.socket.intValue(), -1, pipeIn.intValue(), -1, CHUNK);
        if (n > 0) {
          inPipe = n;
          continue;
        }
        // The pipe is empty, so 0 means no data now or the end of the stream; before the peer
        // has shut down (EPOLLRDHUP, or a hang-up or error) it can only be the former.
        if (!from.hungUp) {
          return;
        }
        ByteBuffer probe = PROBE.get();
        int r = from.socket.read(probe, 0, 1);
        if (r < 0) {
          sourceEnded = true;
        } else if (r == 0) {
          return;
        } else {
          pending(Unpooled.directBuffer(1).writeByte(probe.get(0)));
        }
      }
    }

    /** Whether this direction stopped because its receiver was full (bytes wait to be sent). */
    boolean waitingForRoom() {
      return pending != null || inPipe > 0;
    }

    /** Writes what was just read; what the receiver cannot take now waits in {@link #pending}. */
    private void send(ByteBuffer buf, int n) throws IOException {
      int off = 0;
      while (off < n) {
        int w = to.socket.write(buf, off, n);
        if (w == 0) {
          break;
        }
        off += w;
        moved(w);
      }
      if (off < n) {
        pending(Unpooled.directBuffer(n - off).writeBytes(buf.duplicate().limit(n).position(off)));
      }
    }

    /** Sends what is waiting (Netty's bytes, then the pipe's); false when the receiver is full. */
    private boolean drain() throws IOException {
      if (pending != null) {
        while (pending.isReadable()) {
          ByteBuffer nio = pending.nioBuffer();
          int n = to.socket.write(nio, nio.position(), nio.limit());
          if (n == 0) {
            return false;
          }
          pending.skipBytes(n);
          moved(n);
        }
        pending.release();
        pending = null;
      }
      while (inPipe > 0) {
        int n = Native.splice(pipeOut.intValue(), -1, to.socket.intValue(), -1, inPipe);
        if (n == 0) {
          return false;
        }
        inPipe -= n;
        moved(n);
        record.countSpliced(n);
      }
      return true;
    }

    private void moved(int n) {
      if (idle != null) {
        idle.active();
      }
      if (fromClient) {
        record.countUp(n);
      } else {
        record.countDown(n);
      }
    }

    void release() {
      if (pending != null) {
        pending.release();
        pending = null;
      }
      closeQuietly(pipeOut);
      closeQuietly(pipeIn);
      pipeOut = null;
      pipeIn = null;
      if (grown) {
        grown = false;
        PipeSize.released();
      }
    }
  }

  /** One socket's registration with the event loop: readable for one direction, writable for the other. */
  private final class Side implements EpollIoHandle {
    final Socket socket;
    Direction reading;
    Direction writing;
    IoRegistration registration;
    boolean hungUp;   // the peer shut down its side (or the socket failed): sticky
    boolean watchingRoom;   // EPOLLOUT is in the interest

    Side(AbstractEpollStreamChannel channel) {
      this.socket = (Socket) channel.fd();
    }

    @Override
    public FileDescriptor fd() {
      return socket;
    }

    /** Adds or removes {@code EPOLLOUT}; one {@code epoll_ctl} only when that changes. */
    void watchRoom(boolean on) throws IOException {
      if (on != watchingRoom && registration != null) {
        watchingRoom = on;
        try {
          registration.submit(on ? INTEREST_AND_ROOM : INTEREST);
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
      }
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
      EpollIoOps ops = ((EpollIoEvent) event).ops();
      if ((ops.value() & NOT_IN_OR_OUT) != 0) {
        hungUp = true;
      }
      // While EPOLLOUT is watched, edge-triggered epoll reports it with nearly every event (the
      // socket is writable), so the direction writing here is woken only when it waits for
      // room; otherwise it would try its source for nothing (an empty read per event).
      if (ops.contains(EpollIoOps.EPOLLERR)
          || ops.contains(EpollIoOps.EPOLLOUT) && writing.waitingForRoom()) {
        pump(writing);
      }
      if (!ops.contains(EpollIoOps.EPOLLOUT) || ops.contains(EpollIoOps.EPOLLIN)
          || ops.contains(EpollIoOps.EPOLLRDHUP)) {
        pump(reading);
      }
    }

    @Override
    public void close() {
      // The event loop is shutting down.
      SpliceRelay.this.close();
    }
  }

  /** Keeps what Netty reads while the sockets change hands. */
  private final class Handoff extends ChannelInboundHandlerAdapter {
    private final Direction direction;

    Handoff(Direction direction) {
      this.direction = direction;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf buf && !closed) {
        direction.pending(buf);
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        direction.sourceEnded = true;
      }
      ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(cause);
    }
  }

  // ---- ending ----

  private void idledOut() {
    if (!closed) {
      record.outcome(Outcome.IDLE_TIMEOUT);
      close();
    }
  }

  private void fail(Throwable cause) {
    if (!closed) {
      record.outcome(Outcome.RELAY_ERROR);
      record.error(cause);
    }
    close();
  }

  /** Ends the relay: registrations, pipes and both channels. Idempotent. */
  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (idle != null) {
      idle.stop();
    }
    cancelRegistrations();
    up.release();
    down.release();
    clientChannel.close();
    outboundChannel.close();
  }

  /** Off epoll before the sockets close, so a reused descriptor number is never confused. */
  private void cancelRegistrations() {
    if (client.registration != null) {
      client.registration.cancel();
    }
    if (outbound.registration != null) {
      outbound.registration.cancel();
    }
  }

  private static void closeQuietly(FileDescriptor fd) {
    if (fd != null) {
      try {
        fd.close();
      } catch (IOException ignored) {
        // Nothing to do about a pipe that fails to close.
      }
    }
  }
}
