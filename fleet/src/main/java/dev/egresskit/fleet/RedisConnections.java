package dev.egresskit.fleet;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.EventLoopGroupProvider;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The Lettuce side: one client on its own small thread pool (or on event loops lent to it, see
 * {@link SharedEventLoops}), a command connection and a pub/sub connection subscribed to the
 * fleet's channel. Commands are rejected at once while disconnected
 * (never queued) and time out after the settings' bound; Lettuce reconnects both connections on
 * its own (re-subscribing the channel) once they have been made.
 */
final class RedisConnections implements AutoCloseable {
  private final FleetHealthSettings settings;
  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;
  private volatile StatefulRedisConnection<String, String> commands;
  private volatile StatefulRedisPubSubConnection<String, String> pubsub;

  RedisConnections(FleetHealthSettings settings, io.netty.channel.EventLoopGroup eventLoops) {
    this.settings = settings;
    RedisURI parsed;
    try {
      parsed = RedisURI.create(settings.url());
    } catch (RuntimeException e) {
      // Lettuce's message may quote the URL, password included: say what is wrong without it.
      throw new FleetHealthException("shared health " + settings.redactedUrl()
          + ": not a usable Redis URL (" + e.getClass().getSimpleName() + ")", null);
    }
    this.uri = parsed;
    // The handshake (HELLO, AUTH, SELECT, TLS) is part of connecting: the connect timeout bounds
    // it; every command after that is bounded by TimeoutOptions below.
    uri.setTimeout(settings.connectTimeout());
    DefaultClientResources.Builder builder = DefaultClientResources.builder();
    Optional<EventLoopGroupProvider> lent = eventLoops == null ? Optional.empty()
        : SharedEventLoops.of(eventLoops);
    if (lent.isPresent()) {
      builder.eventLoopGroupProvider(lent.get());
    } else {
      builder.ioThreadPoolSize(1);
    }
    this.resources = builder
        .computationThreadPoolSize(1)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofMillis(500), 2,
            TimeUnit.MILLISECONDS))
        .build();
    this.client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(Math.max(64, settings.maxInFlight() * 2))
        .socketOptions(SocketOptions.builder().connectTimeout(settings.connectTimeout()).build())
        .timeoutOptions(TimeoutOptions.enabled(settings.bound()))
        .build());
  }

  /**
   * Connects both connections and subscribes {@code channels}, waiting at most the connect
   * timeout plus the bound.
   *
   * @throws RuntimeException Lettuce's failure, to be classified with {@link #unreachable}
   */
  void connect(String[] channels, RedisPubSubListener<String, String> messages,
      RedisConnectionStateListener states) {
    try {
      connectAsync(channels, messages, states).toCompletableFuture()
          .get(settings.connectTimeout().plus(settings.bound()).multipliedBy(2).toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new RedisCommandTimeoutException("no answer within the connect timeout");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting", e);
    }
  }

  /** As {@link #connect}, without waiting; a partial connection is closed on failure. */
  CompletionStage<Void> connectAsync(String[] channels, RedisPubSubListener<String, String> messages,
      RedisConnectionStateListener states) {
    CompletableFuture<StatefulRedisConnection<String, String>> cmd =
        client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
    return cmd.thenCompose(c -> client.connectPubSubAsync(StringCodec.UTF8, uri)
            .toCompletableFuture()
            .whenComplete((s, e) -> {
              if (e != null) {
                c.closeAsync();
              }
            })
            .thenCompose(s -> {
              s.addListener(messages);
              return s.async().subscribe(channels).toCompletableFuture()
                  .whenComplete((ok, e) -> {
                    if (e != null) {
                      c.closeAsync();
                      s.closeAsync();
                    }
                  })
                  .thenApply(ok -> {
                    c.addListener(states);
                    s.addListener(states);
                    commands = c;
                    pubsub = s;
                    return null;
                  });
            }));
  }

  /** Whether both connections were made once (Lettuce keeps them reconnecting after that). */
  boolean made() {
    return commands != null;
  }

  /** Whether both connections are open now. */
  boolean open() {
    StatefulRedisConnection<String, String> c = commands;
    StatefulRedisPubSubConnection<String, String> s = pubsub;
    return c != null && s != null && c.isOpen() && s.isOpen();
  }

  RedisAsyncCommands<String, String> async() {
    return commands.async();
  }

  /**
   * For a {@code rediss://} URL whose TLS handshake got no answer: whether the server answers a
   * plain-text PING instead (a Redis without TLS on that port), within the connect timeout.
   */
  boolean plainRedisBehindTlsUrl() {
    if (!uri.isSsl()) {
      return false;
    }
    try (java.net.Socket socket = new java.net.Socket()) {
      int timeout = (int) settings.connectTimeout().toMillis();
      socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), timeout);
      socket.setSoTimeout(timeout);
      socket.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      int first = socket.getInputStream().read();
      return first == '+' || first == '-';
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /**
   * Whether {@code failure} means Redis is away (refused, unreachable, not answering in time),
   * as opposed to a Redis that answered and refused this node (authentication, database, TLS).
   */
  static boolean unreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RedisCommandExecutionException || t instanceof SSLException) {
        return false;
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException || t instanceof UnresolvedAddressException
          || t instanceof RedisCommandTimeoutException
          || t instanceof io.netty.channel.ConnectTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** The failure's causes, innermost last, as a short text (Lettuce never quotes passwords). */
  static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder();
    String last = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (!m.equals(last)) {
        if (text.length() > 0) {
          text.append(": ");
        }
        text.append(m);
        last = m;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return text.toString();
  }

  @Override
  public void close() {
    StatefulRedisConnection<String, String> c = commands;
    StatefulRedisPubSubConnection<String, String> s = pubsub;
    if (s != null) {
      s.close();
    }
    if (c != null) {
      c.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
