package dev.egresskit.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server for operational endpoints ({@code /metrics}, a status page): each path
 * is answered by an {@link HttpEndpoint}; {@code GET} and {@code HEAD} only. Every phase of a
 * request is bounded ({@link HttpLimits}), so a client that sends half a request, or reads its
 * answer slowly, holds one connection until its timeout and never delays another client;
 * handlers run off the event loop, a few at a time.
 *
 * <pre>{@code
 * try (HttpEndpointServer server = HttpEndpointServer.builder()
 *     .listen(new InetSocketAddress("127.0.0.1", 9090))
 *     .endpoint("/metrics", exchange -> HttpAnswer.text(200, HttpAnswer.TEXT, registry.scrape()))
 *     .build()
 *     .start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Listening beyond loopback is allowed, with a warning in the log (and
 * {@link #listensBeyondLoopback()} for a command to say so): there is no authentication, and
 * meters tell a lot about a system.
 */
public final class HttpEndpointServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpointServer.class);

  private final InetSocketAddress listen;
  private final Map<String, HttpEndpoint> endpoints;
  private final HttpLimits limits;
  private final String name;
  private final java.util.function.Predicate<java.net.InetAddress> trusted;
  private EventLoopGroup group;
  private ThreadPoolExecutor handlers;
  private Channel serverChannel;
  private volatile InetSocketAddress address;

  private HttpEndpointServer(Builder builder) {
    this.listen = builder.listen;
    // In the order given: the 404 answer lists them so.
    this.endpoints = Collections.unmodifiableMap(new LinkedHashMap<>(builder.endpoints));
    this.limits = builder.limits;
    this.name = builder.name;
    this.trusted = builder.trusted;
  }

  /**
   * Starts configuring a server.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the listening socket and starts answering.
   *
   * @return this server, now running
   * @throws IllegalStateException if it was started before or the address cannot be bound (the
   *     message names the address and the cause)
   */
  public synchronized HttpEndpointServer start() {
    if (group != null) {
      throw new IllegalStateException("server already started");
    }
    group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true),
        NioIoHandler.newFactory());
    handlers = new ThreadPoolExecutor(limits.handlerThreads(), limits.handlerThreads(), 30,
        TimeUnit.SECONDS, new ArrayBlockingQueue<>(limits.maxConnections()),
        new DefaultThreadFactory(name + "-handler", true), new ThreadPoolExecutor.AbortPolicy());
    handlers.allowCoreThreadTimeOut(true);
    AtomicInteger open = new AtomicInteger();
    ChannelFuture bind = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 128)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            if (open.incrementAndGet() > limits.maxConnections()) {
              open.decrementAndGet();
              channel.close();
              return;
            }
            channel.closeFuture().addListener(f -> open.decrementAndGet());
            int headers = limits.maxRequestBytes();
            channel.pipeline()
                .addLast(new WriteTimeoutHandler(limits.write().toNanos(), TimeUnit.NANOSECONDS))
                .addLast(new HttpServerCodec(4096, headers, 8192))
                .addLast(new HttpObjectAggregator(limits.maxRequestBytes()))
                .addLast(new ExchangeHandler(endpoints, limits, handlers, trusted));
          }
        })
        .bind(listen)
        .awaitUninterruptibly();
    if (!bind.isSuccess()) {
      close();
      throw new IllegalStateException("cannot listen on " + NetUtil.toSocketAddressString(listen)
          + ": " + bind.cause().getMessage(), bind.cause());
    }
    serverChannel = bind.channel();
    address = (InetSocketAddress) serverChannel.localAddress();
    if (listensBeyondLoopback()) {
      LOG.warn("HTTP endpoints {} listen on {}, beyond loopback: anyone who can reach it can read"
          + " them (there is no authentication)", endpoints.keySet(),
          NetUtil.toSocketAddressString(address));
    }
    return this;
  }

  /**
   * Where the server listens (with the real port when 0 was asked for).
   *
   * @return the bound address
   * @throws IllegalStateException if it has not been started
   */
  public InetSocketAddress address() {
    InetSocketAddress bound = address;
    if (bound == null) {
      throw new IllegalStateException("server not started");
    }
    return bound;
  }

  /**
   * Whether the listen address is reachable from other machines (anything but loopback,
   * including the wildcard address).
   *
   * @return true beyond loopback
   */
  public boolean listensBeyondLoopback() {
    return !listen.getAddress().isLoopbackAddress();
  }

  /** Stops listening, closes every connection and stops the threads. Calling it again does nothing. */
  @Override
  public synchronized void close() {
    if (group == null) {
      return;
    }
    if (serverChannel != null) {
      serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    handlers.shutdownNow();
  }

  @Override
  public String toString() {
    return "HttpEndpointServer[" + NetUtil.toSocketAddressString(address != null ? address : listen)
        + ", " + endpoints.keySet() + "]";
  }

  /** Configures an {@link HttpEndpointServer}: a listen address and at least one endpoint. */
  public static final class Builder {
    private InetSocketAddress listen;
    private final Map<String, HttpEndpoint> endpoints = new LinkedHashMap<>();
    private HttpLimits limits = HttpLimits.defaults();
    private String name = "egresskit-http";
    private java.util.function.Predicate<java.net.InetAddress> trusted = address -> true;

    private Builder() {}

    /**
     * Which clients may use the endpoints; any other gets {@code 403 Forbidden} and the
     * connection is closed. Default: every client.
     *
     * @param value true for a client address that is trusted
     * @return this builder
     */
    public Builder trustedClients(java.util.function.Predicate<java.net.InetAddress> value) {
      this.trusted = Objects.requireNonNull(value, "trusted");
      return this;
    }

    /**
     * The address to listen on; port 0 picks a free port.
     *
     * @param value the address (an IP literal)
     * @return this builder
     */
    public Builder listen(InetSocketAddress value) {
      Objects.requireNonNull(value, "listen");
      if (value.isUnresolved()) {
        throw new IllegalArgumentException("listen address " + value + " is unresolved");
      }
      this.listen = value;
      return this;
    }

    /**
     * Answers {@code GET path} (and {@code HEAD path}) with the endpoint.
     *
     * @param path an absolute path such as {@code /metrics}
     * @param endpoint what answers it
     * @return this builder
     */
    public Builder endpoint(String path, HttpEndpoint endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      if (path == null || !path.startsWith("/")) {
        throw new IllegalArgumentException("path " + path + " must start with /");
      }
      endpoints.put(path, endpoint);
      return this;
    }

    /**
     * The timeouts and bounds. Default {@link HttpLimits#defaults()}.
     *
     * @param value the limits
     * @return this builder
     */
    public Builder limits(HttpLimits value) {
      this.limits = Objects.requireNonNull(value, "limits");
      return this;
    }

    /**
     * The prefix of the server's thread names. Default {@code egresskit-http}.
     *
     * @param value the prefix
     * @return this builder
     */
    public Builder threadName(String value) {
      this.name = Objects.requireNonNull(value, "name");
      return this;
    }

    /**
     * Creates the server (not yet started).
     *
     * @return the server
     * @throws IllegalStateException without a listen address or an endpoint
     */
    public HttpEndpointServer build() {
      if (listen == null || endpoints.isEmpty()) {
        throw new IllegalStateException("an HTTP server needs listen(...) and at least one endpoint(...)");
      }
      return new HttpEndpointServer(this);
    }
  }
}
