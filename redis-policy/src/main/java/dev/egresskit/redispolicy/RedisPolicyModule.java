package dev.egresskit.redispolicy;

import dev.egresskit.core.policy.kumo.Args;
import dev.egresskit.core.policy.kumo.KumoContext;
import dev.egresskit.core.policy.kumo.KumoFunction;
import dev.egresskit.core.policy.kumo.KumoMethod;
import dev.egresskit.core.policy.kumo.PolicyModule;
import dev.egresskit.core.policy.support.KumoApiException;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One policy's {@code redis} module: {@code open{...}} validates its options (it never waits
 * for Redis, as in KumoMTA; connecting starts in the background) and returns a connection object whose {@code query} method runs a
 * command. Connections are shared by option set across the policy's interpreters and closed by
 * {@link #close()}. Lettuce's threads (two for I/O, two for its own work, daemon threads) are
 * started on the first {@code open} in the process and shared by every policy, so loading one
 * more policy (or interpreter pool) costs no thread start-up.
 */
final class RedisPolicyModule implements PolicyModule {
  private final Map<RedisOptions, RedisEndpoint> endpoints = new ConcurrentHashMap<>();
  private boolean closed;

  /** The process's Lettuce threads, made on first use and never shut down (daemon threads). */
  private static final class SharedResources {
    static final ClientResources INSTANCE = DefaultClientResources.builder()
        .ioThreadPoolSize(2).computationThreadPoolSize(2).build();
  }

  @Override
  public Map<String, KumoFunction> functions() {
    return Map.of("open", this::open);
  }

  private Object open(Args args, KumoContext context) {
    RedisOptions options = RedisOptions.parse("redis.open", args.table(0, "PARAMS"));
    // Connecting starts now, in the background (open itself never waits for Redis, as in
    // KumoMTA): the first handler then usually finds the connection made.
    endpoint(options).connectInBackground();
    ScriptQuery query = new ScriptQuery(options, context);
    return Map.of("query", new KumoMethod(query::call));
  }

  /** The shared endpoint for {@code options}. */
  RedisEndpoint endpoint(RedisOptions options) {
    RedisEndpoint found = endpoints.get(options);
    if (found != null) {
      return found;
    }
    synchronized (this) {
      if (closed) {
        throw new KumoApiException("redis.open: the policy engine is closed");
      }
      return endpoints.computeIfAbsent(options,
          o -> new RedisEndpoint(o, SharedResources.INSTANCE));
    }
  }

  /** How many distinct option sets have a connection (for tests). */
  int endpointCount() {
    return endpoints.size();
  }

  @Override
  public void close() {
    List<RedisEndpoint> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(endpoints.values());
      endpoints.clear();
    }
    toClose.forEach(RedisEndpoint::close);
  }

  /** The {@code query} method of one connection object, on its interpreter's context. */
  private final class ScriptQuery {
    private final RedisOptions options;
    private final KumoContext context;

    ScriptQuery(RedisOptions options, KumoContext context) {
      this.options = options;
      this.context = context;
    }

    Object call(List<Object> args) {
      List<byte[]> words = RedisArgs.words("redis query", args);
      return endpoint(options).query(words, context.deadlineNanos());
    }
  }
}
