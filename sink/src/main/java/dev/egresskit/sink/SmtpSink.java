package dev.egresskit.sink;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real SMTP server on a loopback (or any) address that records what it saw.
 *
 * <pre>{@code
 * try (SmtpSink sink = SmtpSink.builder().proxyProtocol(ProxyProtocolMode.REQUIRED).build().start()) {
 *   // ... connect to sink.address() ...
 *   SinkSession session = sink.awaitSessions(1, Duration.ofSeconds(5)).get(0);
 *   session.effectiveSource(); // the PROXY header's source, or the TCP peer
 * }
 * }</pre>
 *
 * <p>Every phase has a timeout: the PROXY header wait, the idle timeout and the command timeout
 * (a complete line must arrive in time, so a client that drips bytes cannot hold a session)
 * close sessions that stall; command lines are bounded in length, messages in size and the number
 * of rejected commands per session. Sessions the sink closes because the client misbehaved are
 * counted by reason ({@link #rejections()}).
 *
 * <p>Memory stays bounded however long it runs: it keeps the most recent finished sessions
 * ({@link Builder#keepSessions}, default 10,000), each with at most its first
 * {@value SinkSession#KEPT} command lines and messages (all are counted), and a message takes
 * at most 1,000 recipients ({@code 452} after that, as Postfix's {@code smtpd_recipient_limit}).
 * A long-running server passes every session to {@link Builder#onSession} instead, and need keep
 * none; {@link Builder#keepContent keepContent(false)} drops message text as it arrives.
 */
public final class SmtpSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SmtpSink.class);

  private final Settings settings;
  /** Guards {@link #finished} and {@link #ended}; never held while waiting for the event loop. */
  private final Object sessionsLock = new Object();
  /** The most recent finished sessions, at most {@code keepSessions} of them, oldest first. */
  private final ArrayDeque<SinkSession> finished = new ArrayDeque<>();
  /** Sessions finished since the start or the last {@link #clear()}, kept or not. */
  private long ended;
  private final AtomicLong sessionIds = new AtomicLong();
  private final AtomicLongArray rejected = new AtomicLongArray(SinkRejection.values().length);
  private EventLoopGroup group;
  private Channel serverChannel;
  private ChannelGroup children;

  private SmtpSink(Settings settings) {
    this.settings = settings;
  }

  /** A builder with defaults: 127.0.0.1, ephemeral port, no PROXY header, no scripted failures. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the listener.
   *
   * @return this sink, listening
   * @throws IllegalStateException if it cannot bind or was already started
   */
  public synchronized SmtpSink start() {
    if (group != null) {
      throw new IllegalStateException("sink already started");
    }
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channelType =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    group = new MultiThreadIoEventLoopGroup(settings.threads(), factory);
    children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(channelType)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            children.add(ch);
            installOn(ch);
          }
        });
    try {
      serverChannel = bootstrap.bind(settings.listen()).sync().channel();
    } catch (Exception e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      group = null;
      throw new IllegalStateException("cannot listen on " + settings.listen() + ": " + e, e);
    }
    return this;
  }

  /** The address the sink listens on (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    if (serverChannel == null) {
      throw new IllegalStateException("sink not started");
    }
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /**
   * Installs this sink's session handling on a channel the caller owns, for running the SMTP
   * dialogue without a listening socket (for example on an {@code EmbeddedChannel} in a test).
   * Call it before the channel is active, e.g. from a {@code ChannelInitializer}. The channel's
   * remote and local addresses must be {@link InetSocketAddress}es. Its sessions are recorded
   * and its rejections counted like those of accepted connections; the sink need not be started.
   *
   * @param channel a channel that is not yet active
   */
  public void installOn(Channel channel) {
    SmtpSessionHandler.install(channel, settings, sessionIds.incrementAndGet(), this::record,
        reason -> rejected.incrementAndGet(reason.ordinal()));
  }

  /**
   * How many sessions the sink closed because the client misbehaved, per reason (every reason
   * present, zero when none happened). A session counts once, when it has ended.
   *
   * @return a snapshot, in {@link SinkRejection} order
   */
  public Map<SinkRejection, Long> rejections() {
    Map<SinkRejection, Long> counts = new EnumMap<>(SinkRejection.class);
    for (SinkRejection reason : SinkRejection.values()) {
      counts.put(reason, rejected.get(reason.ordinal()));
    }
    return counts;
  }

  /**
   * How many sessions ended for {@code reason} so far.
   *
   * @param reason the reason
   * @return the count
   */
  public long rejected(SinkRejection reason) {
    return rejected.get(reason.ordinal());
  }

  /**
   * The sessions that have ended so far, in the order they ended: the most recent
   * {@link Builder#keepSessions keepSessions} of them.
   */
  public List<SinkSession> sessions() {
    synchronized (sessionsLock) {
      return List.copyOf(finished);
    }
  }

  /**
   * Waits until at least {@code count} sessions have ended (since the start or the last
   * {@link #clear()}).
   *
   * @return the finished sessions kept (at least {@code count}), in the order they ended
   * @throws IllegalArgumentException if {@code count} is more than the sink keeps
   * @throws IllegalStateException if fewer ended before {@code timeout}
   */
  public List<SinkSession> awaitSessions(int count, Duration timeout) {
    if (count > settings.keepSessions()) {
      throw new IllegalArgumentException("cannot wait for " + count + " sessions: the sink keeps "
          + settings.keepSessions() + " (SmtpSink.Builder.keepSessions)");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (sessionsLock) {
      while (ended < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("expected " + count + " finished sink sessions within "
              + timeout + ", saw " + ended + ": " + finished);
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(sessionsLock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for sink sessions", e);
        }
      }
      return List.copyOf(finished);
    }
  }

  /** Forgets the sessions recorded so far, and their count. */
  public void clear() {
    synchronized (sessionsLock) {
      finished.clear();
      ended = 0;
    }
  }

  /** Keeps the session, then hands it on: a consumer that sees it finds it in sessions(). */
  private void record(SinkSession session) {
    int keep = settings.keepSessions();
    synchronized (sessionsLock) {
      ended++;
      if (keep > 0) {
        if (finished.size() == keep) {
          finished.removeFirst();
        }
        finished.addLast(session);
      }
      sessionsLock.notifyAll();
    }
    try {
      settings.onSession().accept(session);
    } catch (RuntimeException e) {
      LOG.warn("sink session {}: the onSession consumer failed", session.id(), e);
    }
  }

  /** Stops listening, closes open sessions and releases the event loop. */
  @Override
  public synchronized void close() {
    if (group == null) {
      return;
    }
    if (serverChannel != null) {
      serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    children.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    group = null;
  }

  /** The sink's configuration. */
  record Settings(
      InetSocketAddress listen,
      String hostname,
      ProxyProtocolMode proxyProtocol,
      Duration proxyHeaderWait,
      Duration idleTimeout,
      Duration commandTimeout,
      int maxErrors,
      int maxLineLength,
      int maxMessageBytes,
      SinkScript script,
      int threads,
      SslContext tls,
      int keepSessions,
      boolean keepContent,
      Consumer<SinkSession> onSession) {}

  /** Configures a {@link SmtpSink}. */
  public static final class Builder {
    private InetSocketAddress listen = new InetSocketAddress("127.0.0.1", 0);
    private String hostname = "sink.egresskit.test";
    private ProxyProtocolMode proxyProtocol = ProxyProtocolMode.NONE;
    private Duration proxyHeaderWait;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private Duration commandTimeout = Duration.ofMinutes(5);
    private int maxErrors = 20;
    private int maxLineLength = 4096;
    private int maxMessageBytes = 10 * 1024 * 1024;
    private SinkScript script = SinkScript.normal();
    private int threads = 1;
    private SslContext tls;
    private int keepSessions = 10_000;
    private boolean keepContent = true;
    private Consumer<SinkSession> onSession = session -> { };

    private Builder() {}

    /** The address to listen on; port 0 picks a free port. Default 127.0.0.1:0. */
    public Builder listen(InetSocketAddress address) {
      this.listen = Objects.requireNonNull(address);
      return this;
    }

    /** The name in the banner and EHLO reply. */
    public Builder hostname(String name) {
      this.hostname = Objects.requireNonNull(name);
      return this;
    }

    /** Whether a PROXY v1/v2 header is expected first. Default {@link ProxyProtocolMode#NONE}. */
    public Builder proxyProtocol(ProxyProtocolMode mode) {
      this.proxyProtocol = Objects.requireNonNull(mode);
      return this;
    }

    /**
     * How long to wait for a PROXY header: in {@code REQUIRED} mode the session is closed after
     * it (default 5 s, generous for a client JVM that is still warming up), in {@code OPTIONAL}
     * mode the banner is sent after it (default 200 ms, since a plain client waits for it).
     */
    public Builder proxyHeaderWait(Duration wait) {
      this.proxyHeaderWait = positive(wait, "proxyHeaderWait");
      return this;
    }

    /** Sessions with no traffic for this long get {@code 421} and are closed. Default 30 s. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, "idleTimeout");
      return this;
    }

    /**
     * The longest wait for a complete line: from the start of the session to the first line, and
     * between two lines. Unlike the idle timeout, bytes that do not finish a line do not reset
     * it, so a client that drips one byte at a time (slowloris) is closed with {@code 421}.
     * Default 5 minutes (RFC 5321 §4.5.3.2.7).
     */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = positive(timeout, "commandTimeout");
      return this;
    }

    /**
     * After this many rejected commands ({@code 500}, {@code 501}, {@code 503}) in one session
     * the sink answers {@code 421} and closes it, as Postfix's {@code smtpd_hard_error_limit}
     * does. Scripted replies do not count. Default 20.
     */
    public Builder maxErrors(int errors) {
      if (errors < 1) {
        throw new IllegalArgumentException("maxErrors must be at least 1: " + errors);
      }
      this.maxErrors = errors;
      return this;
    }

    /** The longest accepted line, in bytes, without CRLF. Default 4096. */
    public Builder maxLineLength(int bytes) {
      if (bytes < 80) {
        throw new IllegalArgumentException("maxLineLength must be at least 80: " + bytes);
      }
      this.maxLineLength = bytes;
      return this;
    }

    /** The largest accepted message; larger ones get {@code 552}. Default 10 MiB. */
    public Builder maxMessageBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxMessageBytes must be positive: " + bytes);
      }
      this.maxMessageBytes = bytes;
      return this;
    }

    /** Scripted failures. Default none. */
    public Builder script(SinkScript script) {
      this.script = Objects.requireNonNull(script);
      return this;
    }

    /** Event-loop threads. Default 1. */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1: " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Offers {@code STARTTLS} (RFC 3207) with this server context: the EHLO reply lists it, and
     * after {@code 220} the session continues in TLS (commands pipelined behind {@code STARTTLS}
     * in clear text are discarded). Default: not offered ({@code 502}).
     */
    public Builder starttls(SslContext serverContext) {
      if (!Objects.requireNonNull(serverContext, "serverContext").isServer()) {
        throw new IllegalArgumentException("starttls needs a server SslContext");
      }
      this.tls = serverContext;
      return this;
    }

    /**
     * How many finished sessions {@link SmtpSink#sessions()} keeps: the most recent, the oldest
     * forgotten first. 0 keeps none (a server that hands each to {@link #onSession}). Default
     * 10,000.
     */
    public Builder keepSessions(int sessions) {
      if (sessions < 0) {
        throw new IllegalArgumentException("keepSessions must not be negative: " + sessions);
      }
      this.keepSessions = sessions;
      return this;
    }

    /**
     * Whether messages keep their text ({@link SinkMessage#content()}); without it only their
     * size is counted, and a message in progress holds no memory. Default true.
     */
    public Builder keepContent(boolean keep) {
      this.keepContent = keep;
      return this;
    }

    /**
     * Called with every session when it ends, kept or not, once {@link SmtpSink#sessions()}
     * has it, on the sink's event-loop thread: it must not block. An exception it throws is logged and the session still recorded.
     * Default: nothing.
     */
    public Builder onSession(Consumer<SinkSession> consumer) {
      this.onSession = Objects.requireNonNull(consumer, "onSession");
      return this;
    }

    /** A sink with these settings; call {@link SmtpSink#start()} to listen. */
    public SmtpSink build() {
      Duration headerWait = proxyHeaderWait != null ? proxyHeaderWait
          : proxyProtocol == ProxyProtocolMode.OPTIONAL ? Duration.ofMillis(200)
          : Duration.ofSeconds(5);
      return new SmtpSink(new Settings(listen, hostname, proxyProtocol, headerWait,
          idleTimeout, commandTimeout, maxErrors, maxLineLength, maxMessageBytes, script,
          threads, tls, keepSessions, keepContent, onSession));
    }

    private static Duration positive(Duration d, String what) {
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }
  }
}
