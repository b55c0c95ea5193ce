package dev.egresskit.redispolicy;

import dev.egresskit.core.model.Secret;
import dev.egresskit.core.policy.support.KumoApiException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection behind one set of {@link RedisOptions}, shared by every {@code redis.open} with
 * those options in one policy: a Lettuce client (single node or cluster) and one multiplexed
 * connection, started in the background by {@code open} (which, as in KumoMTA, never waits for
 * Redis) and made again by the next query after a failed attempt. Every wait (for the connection, for a reply) is bounded
 * by {@link WaitBound}; a reply that does not come in time is cancelled.
 */
final class RedisEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisEndpoint.class);
  /** How long {@link #close()} waits for the connection and client to shut down. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  /** A single-node or cluster connection, as the query path sees it. */
  private interface Link {
    RedisFuture<Object> dispatch(ProtocolKeyword command, ReplyOutput output,
        CommandArgs<byte[], byte[]> args);

    StatefulConnection<byte[], byte[]> connection();
  }

  private final RedisOptions options;
  private final AbstractRedisClient client;
  private final AtomicReference<CompletableFuture<Link>> link = new AtomicReference<>();
  private volatile boolean closed;

  RedisEndpoint(RedisOptions options, ClientResources resources) {
    this.options = options;
    Duration connectTimeout = options.connectTimeout().orElse(WaitBound.KUMO_DEFAULT);
    Duration responseTimeout = options.responseTimeout().orElse(WaitBound.KUMO_DEFAULT);
    SocketOptions socket = SocketOptions.builder().connectTimeout(connectTimeout).build();
    // A command nobody waits for any more still expires, so a silent server cannot pile them up.
    TimeoutOptions timeouts = TimeoutOptions.builder().fixedTimeout(responseTimeout).build();
    ProtocolVersion protocol = options.nodes().get(0).resp3() ? ProtocolVersion.RESP3
        : ProtocolVersion.RESP2;
    if (options.cluster()) {
      List<RedisURI> uris = new ArrayList<>();
      options.nodes().forEach(node -> uris.add(uri(node, responseTimeout)));
      RedisClusterClient cluster = RedisClusterClient.create(resources, uris);
      // Node connections open on first use: commands wait for them (bounded by our waits).
      cluster.setOptions(ClusterClientOptions.builder().socketOptions(socket)
          .timeoutOptions(timeouts).protocolVersion(protocol).build());
      this.client = cluster;
    } else {
      RedisClient single = RedisClient.create(resources);
      // Connected before its first command; while a lost connection is re-made, a query fails
      // at once ("not connected") rather than waiting out its bound.
      single.setOptions(ClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts)
          .protocolVersion(protocol)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
      this.client = single;
    }
  }

  /**
   * Runs one command and returns its reply as a neutral value ({@link ReplyOutput}).
   *
   * @param words         the command's words, the name first ({@link RedisArgs})
   * @param deadlineNanos the running handler's deadline, or {@link Long#MAX_VALUE}
   * @throws KumoApiException for an error reply, a connection failure, or no answer in time
   */
  Object query(List<byte[]> words, long deadlineNanos) {
    String name = new String(words.get(0), StandardCharsets.UTF_8);
    Link current = awaitLink(name, deadlineNanos);
    WaitBound bound = WaitBound.of("response_timeout", options.responseTimeout(), deadlineNanos,
        System.nanoTime());
    if (bound.exhausted()) {
      throw new KumoApiException("redis query " + name + " was not sent: the policy handler"
          + " deadline has passed");
    }
    CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE);
    for (int i = 1; i < words.size(); i++) {
      // The first argument is the key of most commands: a cluster routes by it.
      if (i == 1) {
        args.addKey(words.get(i));
      } else {
        args.add(words.get(i));
      }
    }
    RedisFuture<Object> reply = current.dispatch(keyword(name),
        new ReplyOutput(!StoredValueCommands.mayReturnStoredText(words)), args);
    try {
      return reply.get(bound.nanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      reply.cancel(true);
      throw new KumoApiException("redis query " + name + " to " + options.display()
          + " got no answer within " + bound.text() + " (" + bound.reason() + ")");
    } catch (InterruptedException e) {
      reply.cancel(true);
      Thread.currentThread().interrupt();
      throw new KumoApiException("redis query " + name + " was interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RedisCommandExecutionException) {
        throw new KumoApiException("redis query " + name + ": " + scrub(cause.getMessage()));
      }
      throw new KumoApiException("redis query " + name + " to " + options.display()
          + " failed: " + describe(cause));
    }
  }

  private Link awaitLink(String name, long deadlineNanos) {
    CompletableFuture<Link> pending = linkFuture();
    WaitBound bound = WaitBound.of("connect_timeout", options.connectTimeout(), deadlineNanos,
        System.nanoTime());
    try {
      if (bound.exhausted()) {
        Link ready = pending.getNow(null);
        return ready != null ? ready : failNoConnection(name, bound);
      }
      return pending.get(bound.nanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return failNoConnection(name, bound);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KumoApiException("redis query " + name + " was interrupted");
    } catch (ExecutionException | java.util.concurrent.CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new KumoApiException("redis query " + name + ": cannot connect to "
          + options.display() + ": " + describe(cause));
    }
  }

  private Link failNoConnection(String name, WaitBound bound) {
    throw new KumoApiException("redis query " + name + ": no connection to "
        + options.display() + " within " + bound.text() + " (" + bound.reason() + ")");
  }

  /**
   * Starts connecting unless a connection is made or under way; returns at once. A failure is
   * reported by the first query (which tries again).
   */
  void connectInBackground() {
    if (!closed) {
      linkFuture();
    }
  }

  /** The connection, or the attempt under way; a failed attempt is replaced by a new one. */
  private CompletableFuture<Link> linkFuture() {
    while (true) {
      CompletableFuture<Link> current = link.get();
      if (current != null && !current.isCompletedExceptionally()) {
        return current;
      }
      if (closed) {
        throw new KumoApiException("redis: the connection to " + options.display()
            + " is closed (the policy engine was closed)");
      }
      CompletableFuture<Link> mine = new CompletableFuture<>();
      if (link.compareAndSet(current, mine)) {
        connect().whenComplete((made, failure) -> {
          if (failure != null) {
            LOG.debug("redis: connecting to {} failed: {}", options.display(),
                describe(failure));
            mine.completeExceptionally(failure);
          } else if (!mine.complete(made)) {
            made.connection().closeAsync();
          }
          // A connection made after close() is closed by the client's shutdown.
        });
        return mine;
      }
    }
  }

  /**
   * Starts connecting on a thread of its own: starting a connection may block (a cold JVM loads
   * classes, a host name is resolved), the policy thread only ever waits a bounded time, and
   * Lettuce's own threads must never wait for it.
   */
  private CompletableFuture<Link> connect() {
    return CompletableFuture.supplyAsync(this::startConnect, CONNECTING)
        .thenCompose(started -> started);
  }

  /** Where connection attempts start: daemon threads, made as needed, gone when idle. */
  private static final java.util.concurrent.Executor CONNECTING =
      java.util.concurrent.Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "egresskit-redis-connect");
        thread.setDaemon(true);
        return thread;
      });

  private CompletableFuture<Link> startConnect() {
    try {
      if (client instanceof RedisClusterClient cluster) {
        // The topology is read first: Lettuce's asynchronous connect needs it.
        return cluster.refreshPartitionsAsync().toCompletableFuture()
            .thenCompose(loaded -> cluster.connectAsync(ByteArrayCodec.INSTANCE))
            .thenApply(this::clusterLink);
      }
      RedisNode node = options.nodes().get(0);
      return ((RedisClient) client).connectAsync(ByteArrayCodec.INSTANCE,
              uri(node, options.responseTimeout().orElse(WaitBound.KUMO_DEFAULT)))
          .toCompletableFuture().thenApply(RedisEndpoint::singleLink);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Link clusterLink(StatefulRedisClusterConnection<byte[], byte[]> connection) {
    if (options.readFromReplicas()) {
      connection.setReadFrom(ReadFrom.REPLICA_PREFERRED);
    }
    return new Link() {
      @Override
      public RedisFuture<Object> dispatch(ProtocolKeyword command, ReplyOutput output,
          CommandArgs<byte[], byte[]> args) {
        return connection.async().dispatch(command, output, args);
      }

      @Override
      public StatefulConnection<byte[], byte[]> connection() {
        return connection;
      }
    };
  }

  private static Link singleLink(StatefulRedisConnection<byte[], byte[]> connection) {
    return new Link() {
      @Override
      public RedisFuture<Object> dispatch(ProtocolKeyword command, ReplyOutput output,
          CommandArgs<byte[], byte[]> args) {
        return connection.async().dispatch(command, output, args);
      }

      @Override
      public StatefulConnection<byte[], byte[]> connection() {
        return connection;
      }
    };
  }

  private RedisURI uri(RedisNode node, Duration timeout) {
    RedisURI.Builder builder = RedisURI.Builder.redis(node.host(), node.port())
        .withDatabase(node.database()).withTimeout(timeout).withClientName("egresskit-policy");
    if (node.tls()) {
      builder.withSsl(true).withVerifyPeer(node.insecure() ? SslVerifyMode.NONE
          : SslVerifyMode.FULL);
    }
    java.util.Optional<Secret.Inline> password = options.passwordFor(node);
    java.util.Optional<String> username = options.usernameFor(node);
    if (password.isPresent()) {
      if (username.isPresent()) {
        builder.withAuthentication(username.get(), password.get().value());
      } else {
        builder.withPassword(password.get().value().toCharArray());
      }
    }
    return builder.build();
  }

  /** A command Lettuce knows keeps its type (a cluster reads replicas only for read commands). */
  private static ProtocolKeyword keyword(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    try {
      return CommandType.valueOf(upper);
    } catch (IllegalArgumentException e) {
      byte[] bytes = upper.getBytes(StandardCharsets.UTF_8);
      return new ProtocolKeyword() {
        @Override
        public byte[] getBytes() {
          return bytes;
        }

        @Override
        public String toString() {
          return upper;
        }
      };
    }
  }

  /** A failure as a policy author reads it: the innermost useful message, secrets removed. */
  private String describe(Throwable failure) {
    Throwable server = null;
    Throwable innermost = failure;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RedisCommandExecutionException) {
        server = t;
      }
      if (t.getMessage() != null) {
        innermost = t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    Throwable chosen = server != null ? server : innermost;
    String text = chosen.getMessage() != null ? chosen.getMessage()
        : chosen.getClass().getSimpleName();
    if (chosen instanceof java.net.ConnectException || text.contains("Connection refused")) {
      text = "connection refused";
    }
    if (text.startsWith("WRONGPASS") || text.startsWith("NOAUTH")) {
      text += " (check the username and password of redis.open)";
    }
    return scrub(text);
  }

  /** {@code text} with every password of these options replaced. */
  private String scrub(String text) {
    String out = text == null ? "" : text;
    for (String secret : options.secrets()) {
      if (!secret.isEmpty()) {
        out = out.replace(secret, Secret.REDACTED);
      }
    }
    return out;
  }

  /** Closes the client and with it its connection, waiting a bounded time. */
  @Override
  public void close() {
    closed = true;
    link.set(null);
    try {
      client.shutdownAsync(0, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)
          .get(CLOSE_WAIT.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("redis: closing the client of {} did not finish cleanly: {}", options.display(),
          e.toString());
    }
  }

  @Override
  public String toString() {
    return "RedisEndpoint[" + options + "]";
  }
}
