package dev.egresskit.transport;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.health.FailureKind;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client half of banner → EHLO → QUIT on an established connection. One reply at a time;
 * every failure completes the result exceptionally and closes the channel.
 */
final class SmtpSession extends ChannelInboundHandlerAdapter implements ChannelFutureListener {
  private enum State { BANNER, EHLO, QUIT, DONE }

  private final EgressConnection connection;
  private final String ehloName;
  private final int maxReplyLines;
  private final long deadlineNanos;
  private final Duration timeout;
  private final CompletableFuture<ProbeResult> result;
  private final List<String> reply = new ArrayList<>();
  private List<String> banner = List.of();
  private List<String> ehloReply = List.of();
  private State state = State.BANNER;
  private long phaseStart;
  private long bannerMicros;
  private long ehloMicros;
  private ScheduledFuture<?> deadlineTask;
  private ChannelHandlerContext ctx;

  SmtpSession(EgressConnection connection, String ehloName, int maxReplyLines,
      long deadlineNanos, Duration timeout, CompletableFuture<ProbeResult> result) {
    this.timeout = timeout;
    this.connection = connection;
    this.ehloName = ehloName;
    this.maxReplyLines = maxReplyLines;
    this.deadlineNanos = deadlineNanos;
    this.result = result;
    // Whoever completes the result first (us, or a caller cancelling), the channel goes away.
    result.whenComplete((r, e) -> connection.close());
  }

  static ChannelHandler lineDecoder(int maxLineLength) {
    return new LineBasedFrameDecoder(maxLineLength, true, true);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    phaseStart = ctx.executor().ticker().nanoTime();
    // The probe's deadline is the connect deadline (one timeout covers both): take over that
    // timer when it is handed over, else (attached later) schedule one for what remains.
    deadlineTask = connection.adoptDeadline(this::onDeadline);
    if (deadlineTask == null) {
      long remaining = deadlineNanos - phaseStart;
      deadlineTask = ctx.executor().schedule(this::onDeadline, Math.max(0, remaining),
          TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (state != State.DONE && msg instanceof ByteBuf buf) {
        onLine(buf.toString(StandardCharsets.UTF_8));
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onLine(String line) {
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    boolean wellFormed = line.length() >= 3 && Character.isDigit(line.charAt(0))
        && Character.isDigit(line.charAt(1)) && Character.isDigit(line.charAt(2))
        && (line.length() == 3 || line.charAt(3) == ' ' || line.charAt(3) == '-');
    if (!wellFormed || (!reply.isEmpty() && !line.regionMatches(0, reply.get(0), 0, 3))) {
      fail("garbage from the server while " + waitingFor() + ": \"" + printable(line) + "\"");
      return;
    }
    reply.add(line);
    if (line.length() > 3 && line.charAt(3) == '-') {
      if (reply.size() >= maxReplyLines) {
        fail("reply has more than " + maxReplyLines + " lines while " + waitingFor());
      }
      return;
    }
    int code = code(line);
    List<String> lines = List.copyOf(reply);
    reply.clear();
    long now = ctx.executor().ticker().nanoTime();
    switch (state) {
      case BANNER:
        if (code != 220) {
          fail(rejection("the banner", lines));
          return;
        }
        banner = lines;
        bannerMicros = (now - phaseStart) / 1000;
        phaseStart = now;
        state = State.EHLO;
        write("EHLO " + ehloName);
        break;
      case EHLO:
        if (code != 250) {
          fail(rejection("the EHLO reply", lines));
          return;
        }
        ehloReply = lines;
        ehloMicros = (now - phaseStart) / 1000;
        state = State.QUIT;
        write("QUIT");
        break;
      case QUIT:
        succeed();
        break;
      default:
        break;
    }
  }

  /** The reply code of a well-formed line (three digits first). */
  private static int code(String line) {
    return (line.charAt(0) - '0') * 100 + (line.charAt(1) - '0') * 10 + (line.charAt(2) - '0');
  }

  private static String rejection(String what, List<String> lines) {
    int code = code(lines.get(0));
    String kind = code >= 400 && code < 600 ? "server rejected us" : "unexpected reply";
    return kind + " while waiting for " + what + ": " + printable(String.join(" / ", lines));
  }

  private void write(String command) {
    // A pooled buffer of the channel's allocator: epoll writes it without another copy.
    ByteBuf out = ctx.alloc().buffer(command.length() + 2);
    out.writeCharSequence(command, StandardCharsets.US_ASCII);
    out.writeByte('\r').writeByte('\n');
    // One listener per session, not a lambda per write: the command is known from the state.
    ctx.writeAndFlush(out).addListener(this);
  }

  /** A write finished: a failed one fails the probe (EHLO while waiting for its reply, or QUIT). */
  @Override
  public void operationComplete(ChannelFuture f) {
    if (!f.isSuccess()) {
      fail("failed to send " + (state == State.EHLO ? "EHLO" : "QUIT") + ": "
          + ConnectAttempt.describe(f.cause()));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state == State.QUIT) {
      succeed(); // the server may close without answering QUIT
    } else if (state != State.DONE) {
      fail("connection closed by the server while " + waitingFor());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      fail("reply line longer than the limit while " + waitingFor() + " ("
          + ConnectAttempt.describe(cause) + ")");
    } else {
      fail("I/O error while " + waitingFor() + ": " + ConnectAttempt.describe(cause));
    }
  }

  private void onDeadline() {
    if (state == State.QUIT) {
      succeed(); // EHLO was answered; a silent QUIT does not spoil the probe
    } else if (state != State.DONE) {
      fail("timeout after " + Durations.format(timeout) + " while " + waitingFor());
    }
  }

  private String waitingFor() {
    switch (state) {
      case BANNER: return "waiting for the banner";
      case EHLO: return "waiting for the EHLO reply";
      case QUIT: return "waiting for the QUIT reply";
      default: return "finishing";
    }
  }

  private void succeed() {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    deadlineTask.cancel(false);
    result.complete(new ProbeResult(connection.source().name(), connection.destination(),
        connection.localAddress(), connection.reportedSource(), ehloName, banner, ehloReply,
        connection.timings().withSmtp(bannerMicros, ehloMicros)));
  }

  private void fail(String reason) {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    if (deadlineTask != null) {
      deadlineTask.cancel(false);
    }
    result.completeExceptionally(new EgressConnectException(FailureKind.SMTP_FAILED,
        connection.reportedSource().protocol(), connection.proxyText(),
        IpLiterals.format(connection.destination()),
        reason, null));
  }

  /** At most 200 characters, control characters shown as {@code ?}, for error text. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 200));
    for (int i = 0; i < text.length() && i < 200; i++) {
      char c = text.charAt(i);
      out.append(c < ' ' || c == 0x7f ? '?' : c);
    }
    return text.length() > 200 ? out + "..." : out.toString();
  }
}
