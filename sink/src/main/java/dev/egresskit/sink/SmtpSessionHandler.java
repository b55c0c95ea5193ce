package dev.egresskit.sink;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One SMTP session of the sink: a small RFC 5321 state machine that records what it sees. */
final class SmtpSessionHandler extends SimpleChannelInboundHandler<Object> {
  private static final Logger LOG = LoggerFactory.getLogger(SmtpSink.class);
  /** The recipients one message may have; Postfix's {@code smtpd_recipient_limit} default. */
  static final int MAX_RECIPIENTS = 1_000;

  private final SmtpSink.Settings settings;
  private final long id;
  private final Consumer<SinkSession> sink;
  private final Consumer<SinkRejection> rejections;
  private final long startNanos = System.nanoTime();
  private final List<String> commands = new ArrayList<>();
  private int commandCount;
  private final List<SinkMessage> messages = new ArrayList<>();
  private int messageCount;
  private final Queue<String> held = new ArrayDeque<>();

  private InetSocketAddress peer;
  private InetSocketAddress local;
  private boolean started;
  private boolean delaying;
  private Optional<ProxyHeader> proxyHeader = Optional.empty();
  private Optional<String> ehlo = Optional.empty();
  private String mailFrom;
  private final List<String> recipients = new ArrayList<>();
  /** Between {@code 354} and the final dot. */
  private boolean inData;
  /** The message text so far, when the sink keeps content. */
  private StringBuilder data;
  private int dataSize;
  private int dataLines;
  private boolean dataTooBig;
  private String endReason = "client closed";
  /** The first reason the sink closed the session for, counted once when it ends. */
  private SinkRejection rejection;
  private int errors;
  private long lastLineNanos;
  private ScheduledFuture<?> commandTimer;
  /** STARTTLS accepted: clear-text lines are dropped until the TLS handshake is done. */
  private boolean tlsStarting;
  private boolean tls;

  private SmtpSessionHandler(SmtpSink.Settings settings, long id, Consumer<SinkSession> sink,
      Consumer<SinkRejection> rejections) {
    super(Object.class);
    this.settings = settings;
    this.id = id;
    this.sink = sink;
    this.rejections = rejections;
  }

  static void install(Channel ch, SmtpSink.Settings settings, long id,
      Consumer<SinkSession> sink, Consumer<SinkRejection> rejections) {
    ChannelPipeline p = ch.pipeline();
    p.addLast("idle", new IdleStateHandler(0, 0, settings.idleTimeout().toNanos(),
        TimeUnit.NANOSECONDS));
    if (settings.proxyProtocol() != ProxyProtocolMode.NONE) {
      p.addLast("proxy-detect", new ProxyHeaderDetector(settings.proxyProtocol(),
          settings.proxyHeaderWait().toNanos()));
    }
    p.addLast("lines", new LineBasedFrameDecoder(settings.maxLineLength(), true, true));
    p.addLast("text-in", new StringDecoder(StandardCharsets.UTF_8));
    p.addLast("text-out", new StringEncoder(StandardCharsets.UTF_8));
    p.addLast("smtp", new SmtpSessionHandler(settings, id, sink, rejections));
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // Cached now: after close the channel may no longer know its addresses.
    peer = (InetSocketAddress) ctx.channel().remoteAddress();
    local = (InetSocketAddress) ctx.channel().localAddress();
    lastLineNanos = ctx.executor().ticker().nanoTime();
    scheduleCommandTimer(ctx, settings.commandTimeout().toNanos());
    if (settings.proxyProtocol() == ProxyProtocolMode.NONE) {
      startSmtp(ctx);
    }
    ctx.fireChannelActive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ProxyHeaderDetector.NO_HEADER) {
      startSmtp(ctx);
    } else if (evt instanceof ProxyHeaderDetector.MissingHeader missing) {
      reject(SinkRejection.MISSING_PROXY_HEADER, "missing PROXY header: " + missing.why());
    } else if (evt instanceof SslHandshakeCompletionEvent done) {
      if (done.isSuccess()) {
        tlsStarting = false;
        tls = true;
      } else {
        reject(SinkRejection.PROTOCOL_ERROR, "TLS handshake failed: " + done.cause());
        ctx.close();
      }
    } else if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.ALL_IDLE) {
      reject(SinkRejection.IDLE_TIMEOUT, "idle timeout");
      ctx.writeAndFlush("421 4.4.2 " + settings.hostname() + " idle timeout\r\n")
          .addListener(f -> ctx.close());
    }
  }

  /** Records why the sink ends the session; the first reason wins. */
  private void reject(SinkRejection reason, String text) {
    if (rejection == null) {
      rejection = reason;
      endReason = text;
    }
  }

  /**
   * One timer per session, re-armed for the time left since the last complete line (cheaper than
   * rescheduling on every line, as Netty's IdleStateHandler does).
   */
  private void scheduleCommandTimer(ChannelHandlerContext ctx, long delayNanos) {
    commandTimer = ctx.executor().schedule(() -> {
      if (!ctx.channel().isActive()) {
        return;
      }
      long left = settings.commandTimeout().toNanos()
          - (ctx.executor().ticker().nanoTime() - lastLineNanos);
      if (left > 0) {
        scheduleCommandTimer(ctx, left);
        return;
      }
      reject(SinkRejection.COMMAND_TIMEOUT, "command timeout");
      ctx.writeAndFlush("421 4.4.2 " + settings.hostname()
          + " timeout waiting for a complete command\r\n").addListener(f -> ctx.close());
    }, delayNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HAProxyMessage header) {
      // A LOCAL command or UNKNOWN family carries no addresses: nothing to record.
      if (header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null) {
        proxyHeader = Optional.of(new ProxyHeader(
            header.protocolVersion() == HAProxyProtocolVersion.V2 ? 2 : 1,
            new InetSocketAddress(header.sourceAddress(), header.sourcePort()),
            new InetSocketAddress(header.destinationAddress(), header.destinationPort())));
      }
      startSmtp(ctx);
      return;
    }
    String line = (String) msg;
    if (rejection != null || tlsStarting) {
      // Closing: pipelined lines after the rejection get no answers. Starting TLS: lines sent
      // in clear text behind STARTTLS must not be taken as protected (RFC 3207 §4.2).
      return;
    }
    // The event loop's ticker, so tests on an EmbeddedChannel can advance time.
    lastLineNanos = ctx.executor().ticker().nanoTime();
    if (delaying) {
      held.add(line);
      return;
    }
    handleLine(ctx, line);
  }

  private void startSmtp(ChannelHandlerContext ctx) {
    if (started) {
      return;
    }
    started = true;
    String banner = "220 " + settings.hostname() + " ESMTP EgressKit sink";
    perform(ctx, SinkScript.BANNER, () -> reply(ctx, banner));
  }

  private void handleLine(ChannelHandlerContext ctx, String line) {
    if (inData) {
      onDataLine(ctx, line);
      return;
    }
    if (commandCount++ < SinkSession.KEPT) {
      commands.add(line);
    }
    String verb = verbOf(line);
    perform(ctx, verb, () -> onCommand(ctx, verb, line));
  }

  /** Runs the scripted action for {@code verb}, or {@code normal} when there is none. */
  private void perform(ChannelHandlerContext ctx, String verb, Runnable normal) {
    SinkScript.Action action = settings.script().actionFor(verb).orElse(null);
    if (action == null) {
      normal.run();
    } else if (action instanceof SinkScript.Reply r) {
      reply(ctx, r.text().replace("\n", "\r\n"));
    } else if (action instanceof SinkScript.Disconnect) {
      endReason = "scripted disconnect on " + verb;
      ctx.close();
    } else if (action instanceof SinkScript.Delay d) {
      delaying = true;
      ctx.executor().schedule(() -> {
        delaying = false;
        normal.run();
        while (!delaying && !held.isEmpty() && ctx.channel().isActive()) {
          handleLine(ctx, held.poll());
        }
      }, d.delay().toNanos(), TimeUnit.NANOSECONDS);
    }
    // Silent: deliberately no reply.
  }

  private void onCommand(ChannelHandlerContext ctx, String verb, String line) {
    String arg = line.length() > verb.length() ? line.substring(verb.length()).trim() : "";
    switch (verb) {
      case "EHLO" -> {
        ehlo = Optional.of(arg);
        resetTransaction();
        reply(ctx, "250-" + settings.hostname() + " greets " + printable(arg)
            + "\r\n250-PIPELINING\r\n"
            + (settings.tls() != null && !tls ? "250-STARTTLS\r\n" : "")
            + "250-8BITMIME\r\n250-SIZE " + settings.maxMessageBytes()
            + "\r\n250 ENHANCEDSTATUSCODES");
      }
      case "HELO" -> {
        ehlo = Optional.of(arg);
        resetTransaction();
        reply(ctx, "250 " + settings.hostname());
      }
      case "MAIL" -> {
        if (ehlo.isEmpty()) {
          error(ctx, "503 5.5.1 send EHLO or HELO first");
        } else if (mailFrom != null) {
          error(ctx, "503 5.5.1 nested MAIL command");
        } else if (!arg.toUpperCase(Locale.ROOT).startsWith("FROM:")) {
          error(ctx, "501 5.5.4 syntax: MAIL FROM:<address>");
        } else {
          mailFrom = path(arg.substring(5));
          reply(ctx, "250 2.1.0 OK");
        }
      }
      case "RCPT" -> {
        if (mailFrom == null) {
          error(ctx, "503 5.5.1 need MAIL before RCPT");
        } else if (!arg.toUpperCase(Locale.ROOT).startsWith("TO:")) {
          error(ctx, "501 5.5.4 syntax: RCPT TO:<address>");
        } else if (recipients.size() >= MAX_RECIPIENTS) {
          reply(ctx, "452 4.5.3 too many recipients");
        } else {
          recipients.add(path(arg.substring(3)));
          reply(ctx, "250 2.1.5 OK");
        }
      }
      case "DATA" -> {
        if (recipients.isEmpty()) {
          error(ctx, "503 5.5.1 need RCPT before DATA");
        } else {
          inData = true;
          data = settings.keepContent() ? new StringBuilder() : null;
          dataSize = 0;
          dataLines = 0;
          dataTooBig = false;
          reply(ctx, "354 end data with <CR><LF>.<CR><LF>");
        }
      }
      case "RSET" -> {
        resetTransaction();
        reply(ctx, "250 2.0.0 OK");
      }
      case "STARTTLS" -> startTls(ctx, arg);
      case "NOOP" -> reply(ctx, "250 2.0.0 OK");
      case "VRFY" -> reply(ctx, "252 2.1.5 cannot verify, will accept");
      case "QUIT" -> {
        endReason = "QUIT";
        ctx.writeAndFlush("221 2.0.0 " + settings.hostname() + " closing\r\n")
            .addListener(recordWriteFailure).addListener(f -> ctx.close());
      }
      default -> error(ctx, "500 5.5.2 command not recognized");
    }
  }

  private void startTls(ChannelHandlerContext ctx, String arg) {
    if (settings.tls() == null) {
      error(ctx, "502 5.5.1 STARTTLS not offered");
    } else if (tls) {
      error(ctx, "503 5.5.1 TLS already active");
    } else if (!arg.isEmpty()) {
      error(ctx, "501 5.5.4 STARTTLS takes no arguments");
    } else {
      tlsStarting = true;
      resetTransaction();
      ehlo = Optional.empty();
      // startTls=true: the 220 below still goes out in clear text, everything after is TLS.
      ctx.pipeline().addBefore("lines", "tls",
          new SslHandler(settings.tls().newEngine(ctx.alloc()), true));
      reply(ctx, "220 2.0.0 ready to start TLS");
    }
  }

  private void onDataLine(ChannelHandlerContext ctx, String line) {
    if (line.equals(".")) {
      if (dataTooBig) {
        reply(ctx, "552 5.3.4 message exceeds " + settings.maxMessageBytes() + " bytes");
      } else {
        messageCount++;
        if (messages.size() < SinkSession.KEPT) {
          messages.add(new SinkMessage(mailFrom, recipients,
              data == null ? "" : data.toString(), dataSize));
        }
        reply(ctx, "250 2.0.0 queued as sink-" + id + "-" + messageCount);
      }
      inData = false;
      data = null;
      resetTransaction();
      return;
    }
    int length = line.startsWith(".") ? line.length() - 1 : line.length();
    if (dataSize + length + (dataLines > 0 ? 2 : 0) > settings.maxMessageBytes()) {
      dataTooBig = true;
    } else if (!dataTooBig) {
      // Lines are joined with CRLF: every line but the first (even an empty one) adds one.
      int separator = dataLines++ > 0 ? 2 : 0;
      if (data != null) {
        data.append("\r\n", 0, separator).append(line, line.length() - length, line.length());
      }
      dataSize += separator + length;
    }
  }

  private void resetTransaction() {
    mailFrom = null;
    recipients.clear();
  }

  /**
   * The client's text made safe to echo: only LF ends a line here, so a bare CR (or another
   * control character) in an argument would otherwise break the reply's framing.
   */
  private static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return out.toString();
  }

  private static String verbOf(String line) {
    int space = line.indexOf(' ');
    return (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
  }

  private static String path(String arg) {
    String p = arg.trim();
    int space = p.indexOf(' ');
    if (space >= 0) {
      p = p.substring(0, space);
    }
    if (p.startsWith("<") && p.endsWith(">")) {
      p = p.substring(1, p.length() - 1);
    }
    return p;
  }

  private void reply(ChannelHandlerContext ctx, String text) {
    ctx.writeAndFlush(text + "\r\n").addListener(recordWriteFailure);
  }

  /**
   * A reset that arrives while a reply is in flight shows up as a failed write, not a failed read;
   * Netty then closes the channel without {@link #exceptionCaught}, so record it here.
   */
  private final ChannelFutureListener recordWriteFailure = f -> {
    if (!f.isSuccess() && f.cause() instanceof IOException failed) {
      reject(SinkRejection.CONNECTION_RESET,
          "connection error: " + failed.getClass().getSimpleName() + ": " + failed.getMessage());
    }
  };

  /** A rejected command: counts toward the error limit, which ends the session with 421. */
  private void error(ChannelHandlerContext ctx, String text) {
    if (++errors < settings.maxErrors()) {
      reply(ctx, text);
      return;
    }
    reject(SinkRejection.TOO_MANY_ERRORS, "too many errors");
    ctx.writeAndFlush(text + "\r\n421 4.7.0 " + settings.hostname() + " too many errors\r\n")
        .addListener(f -> ctx.close());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    String text = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    if (cause instanceof TooLongFrameException) {
      reject(SinkRejection.LINE_TOO_LONG, "line too long");
      ctx.writeAndFlush("500 5.5.2 line too long (max " + settings.maxLineLength() + ")\r\n")
          .addListener(f -> ctx.close());
      return;
    }
    if (cause instanceof HAProxyProtocolException) {
      reject(SinkRejection.BAD_PROXY_HEADER, "bad PROXY header: " + text);
    } else if (cause instanceof IOException) {
      reject(SinkRejection.CONNECTION_RESET, "connection error: " + text);
    } else {
      reject(SinkRejection.PROTOCOL_ERROR, "error: " + text);
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (commandTimer != null) {
      commandTimer.cancel(false);
    }
    if (rejection != null) {
      rejections.accept(rejection);
    }
    SinkSession session = new SinkSession(id, peer, local, proxyHeader, ehlo,
        commands, commandCount, messages, messageCount,
        Duration.ofNanos(System.nanoTime() - startNanos), endReason,
        Optional.ofNullable(rejection), tls);
    LOG.debug("sink session {} from {} ehlo={} proxy={} ended: {}", id, session.peer(),
        ehlo.orElse("-"), proxyHeader.map(Object::toString).orElse("-"), endReason);
    sink.accept(session);
    ctx.fireChannelInactive();
  }
}
