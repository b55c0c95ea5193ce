package dev.egresskit.embed;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.pool.PoolSelector;
import dev.egresskit.core.resolve.ResolutionException;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.embed.assembly.Assembly;
import dev.egresskit.embed.assembly.Closer;
import dev.egresskit.embed.assembly.Connectors;
import dev.egresskit.embed.assembly.KitOptions;
import dev.egresskit.embed.assembly.PolicyLoader;
import dev.egresskit.embed.assembly.Resolvers;
import dev.egresskit.transport.EgressConnection;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.SocketFactory;

/**
 * EgressKit in an application: one policy (Lua, JavaScript, or a language a plug-in adds), its
 * sources and pools resolved through a TTL cache, source health shared by every connection, and
 * connections that leave through a source's route (bound address, HAProxy PROXY v2 or SOCKS5).
 *
 * <pre>{@code
 * try (EgressKit kit = EgressKit.builder().policy(Path.of("policy.lua")).build()) {
 *   EgressSource s = kit.source("ip-1");                        // through the TTL cache
 *   EgressSource p = kit.pool("pool-1").next();                 // weighted round robin, health-aware
 *   CompletionStage<EgressConnection> c = kit.connect("ip-1", "mx.example.net", 25);
 *   Socket sock = kit.openSocket("ip-1", "mx.example.net", 25, Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <h2>Failures</h2>
 * <ul>
 *   <li>A source or pool the policy cannot produce: {@link ResolutionException}, whose message
 *       names the handler, the name, and the script line (cached for the negative TTL).</li>
 *   <li>A pool with no eligible source: {@link NoEligibleSourceException}.</li>
 *   <li>A connection that fails: {@link dev.egresskit.transport.EgressConnectException}, whose
 *       {@link dev.egresskit.transport.EgressConnectException#kind() kind()} says why (e.g.
 *       {@code SOURCE_UNPLUMBED}, {@code PROXY_UNREACHABLE}, {@code PROXY_BIND_REJECTED}). Every
 *       such failure is recorded in {@link #health()}, which suspends a source as its {@code
 *       suspend_when_unplumbed} / {@code suspend_when_proxy_unhealthy} rules say; a suspended
 *       source fails at once with {@code SOURCE_SUSPENDED}, and pools skip it.</li>
 * </ul>
 *
 * <p>Thread-safe. Create one per application and close it at shutdown: closing stops the
 * event loops, closes the Netty connections still open and the policy engine. Sockets returned
 * by {@link #openSocket} belong to the caller and stay open.
 */
public final class EgressKit implements AutoCloseable {
  private final Closer closer;
  private final SourceResolver resolver;
  private final SourceHealth health;
  private final Connectors connectors;
  private final Destinations destinations;
  private final Duration connectTimeout;
  private final ConcurrentMap<String, PoolSelector> selectors = new ConcurrentHashMap<>();

  private EgressKit(Closer closer, SourceResolver resolver, SourceHealth health,
      Connectors connectors, Destinations destinations, Duration connectTimeout) {
    this.closer = closer;
    this.resolver = resolver;
    this.health = health;
    this.connectors = connectors;
    this.destinations = destinations;
    this.connectTimeout = connectTimeout;
  }

  /** A builder; {@link EgressKitBuilder#policy} is the one required setting. */
  public static EgressKitBuilder builder() {
    return new EgressKitBuilder();
  }

  static EgressKit assemble(KitOptions options, Path policy, Duration connectTimeout) {
    Closer closer = new Closer();
    try {
      Injector injector = Guice.createInjector(Assembly.modules(options, closer));
      // Started first, so a misconfigured Redis is reported before the policy loads.
      Assembly.startHealth(injector);
      PolicyEngine engine = injector.getInstance(PolicyLoader.class).load(policy);
      Resolvers resolvers = injector.getInstance(Resolvers.class);
      SourceResolver resolver = resolvers.create(engine);
      Destinations destinations = closer.register(new Destinations());
      return new EgressKit(closer, resolver, resolvers.health(),
          injector.getInstance(Connectors.class), destinations, connectTimeout);
    } catch (RuntimeException e) {
      try {
        closer.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * The source named {@code name}, from the cache or the policy's {@code get_egress_source}
   * handler (or its statically defined sources).
   *
   * @param name the source name, as a pool entry or KumoMTA's {@code egress_source} names it
   * @return the validated source: EHLO name, {@code remote_port}, TTL, health rules and route
   * @throws ResolutionException if the policy cannot produce a valid source of that name
   */
  public EgressSource source(String name) {
    return resolver.resolve(Objects.requireNonNull(name, "name"));
  }

  /**
   * A picker over the pool named {@code name} (the policy's {@code get_egress_pool} handler, or
   * {@code unspecified}). Each {@link SourcePicker#next()} picks by KumoMTA's weighted round
   * robin, skipping suspended sources; pickers of the same pool name share one round-robin
   * state, kept while the pool's entries stay the same. Nothing is resolved until {@code next()}.
   *
   * @param name the pool name
   * @return a picker whose {@code next()} throws {@link ResolutionException} for a pool the
   *     policy cannot produce and {@link NoEligibleSourceException} when no source is eligible
   */
  public SourcePicker pool(String name) {
    return new PoolPicker(Objects.requireNonNull(name, "name"), resolver, health, selectors);
  }

  /**
   * A picker that always takes the source named {@code name}, resolved on each {@link
   * SourcePicker#next()} through the cache (so a changed definition is seen after its TTL).
   *
   * @param name the source name
   * @return a picker of that one source; nothing is resolved until {@code next()}
   */
  public SourcePicker sourcePicker(String name) {
    return new NamedSourcePicker(Objects.requireNonNull(name, "name"), resolver);
  }

  /**
   * A picker for a name that is either a pool or a source: a pool when the policy resolves a
   * pool of that name now, otherwise the source of that name. A policy whose {@code
   * get_egress_pool} handler makes a pool for any name makes every name a pool: then use {@link
   * #sourcePicker} for a single source.
   *
   * @param sourceOrPool a pool or source name of the policy
   * @return {@link #pool pool(name)} or {@link #sourcePicker sourcePicker(name)}
   * @throws ResolutionException if the name is neither a pool nor a source (the message carries
   *     both errors)
   */
  public SourcePicker picker(String sourceOrPool) {
    Objects.requireNonNull(sourceOrPool, "sourceOrPool");
    try {
      resolver.resolvePool(sourceOrPool);
      return pool(sourceOrPool);
    } catch (ResolutionException notPool) {
      try {
        source(sourceOrPool);
        return sourcePicker(sourceOrPool);
      } catch (ResolutionException notSource) {
        notSource.addSuppressed(notPool);
        throw notSource;
      }
    }
  }

  /**
   * Connects from source {@code sourceName} to {@code host:port} with Netty, under the kit's
   * connect timeout. The stage completes once the route's handshake is done; attach handlers
   * with {@link EgressConnection#attach} and close the connection when finished.
   *
   * @param sourceName the source to connect from
   * @param host       the destination: a host name (resolved with the JDK resolver, taking the
   *                   first address of the source address's family) or an IP literal
   * @param port       the destination port; the source's {@code remote_port} replaces it, and 0
   *                   means 25
   * @return a stage completed with the connection, or failed with an {@link
   *     dev.egresskit.transport.EgressConnectException} (its {@code kind()} says why) or an
   *     {@link java.net.UnknownHostException}
   * @throws ResolutionException if the source cannot be resolved (thrown, not in the stage)
   */
  public CompletionStage<EgressConnection> connect(String sourceName, String host, int port) {
    return connect(source(sourceName), host, port, connectTimeout);
  }

  /**
   * Connects from {@code source} (e.g. one a {@link SourcePicker} chose) to {@code host:port}
   * within {@code timeout}, which covers resolving the host, the TCP connect and the handshake.
   * The stage fails with an {@link dev.egresskit.transport.EgressConnectException} (or an
   * {@link java.net.UnknownHostException} for a host with no usable address).
   *
   * @param source  the source to connect from
   * @param host    the destination host name or IP literal
   * @param port    the destination port ({@code remote_port} replaces it; 0 means 25)
   * @param timeout the deadline for resolve, connect and handshake together
   * @return a stage completed with the connection once the route's handshake is done
   */
  public CompletionStage<EgressConnection> connect(EgressSource source, String host, int port,
      Duration timeout) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(timeout, "timeout");
    long start = System.nanoTime();
    return destinations.resolve(source, host, port).thenCompose(destination -> {
      Duration left = timeout.minusNanos(System.nanoTime() - start);
      return connectors.netty().connect(source, destination,
          left.isNegative() || left.isZero() ? Duration.ofNanos(1) : left);
    });
  }

  /**
   * A blocking socket from source {@code sourceName} to {@code host:port}, connected and
   * through the route's handshake, so the next bytes read are the server's (an SMTP banner).
   *
   * @param sourceName the source to connect from
   * @param host       the destination host name or IP literal
   * @param port       the destination port ({@code remote_port} replaces it; 0 means 25)
   * @param timeout    the deadline for resolving, connecting and the handshake
   * @return the connected socket; the caller closes it (closing the kit does not)
   * @throws dev.egresskit.transport.EgressConnectException if the connection fails (with its
   *     kind); {@link java.net.UnknownHostException} if the host has no usable address
   * @throws ResolutionException if the source cannot be resolved
   */
  public EgressSocket openSocket(String sourceName, String host, int port, Duration timeout)
      throws IOException {
    return openSocket(source(sourceName), host, port, timeout);
  }

  /** As {@link #openSocket(String, String, int, Duration)}, from a source already chosen. */
  public EgressSocket openSocket(EgressSource source, String host, int port, Duration timeout)
      throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(host, "host");
    long start = System.nanoTime();
    java.net.InetSocketAddress destination =
        Sockets.await(destinations.resolve(source, host, port), timeout);
    Duration left = timeout.minusNanos(System.nanoTime() - start);
    return EgressSocket.connected(Sockets.open(connectors.sockets(), source, destination,
        left.isNegative() || left.isZero() ? Duration.ofNanos(1) : left));
  }

  /**
   * An unconnected socket whose {@link Socket#connect(java.net.SocketAddress, int) connect}
   * takes the next source from {@code picker} and connects through its route; a connect timeout
   * of 0 means the kit's connect timeout. For libraries that create sockets with a {@link
   * SocketFactory} and connect them themselves.
   *
   * @param picker where each connect takes its source from
   * @return an unconnected socket; {@code connect} throws {@link
   *     dev.egresskit.transport.EgressConnectException} with the failure's kind
   */
  public EgressSocket newSocket(SourcePicker picker) {
    Objects.requireNonNull(picker, "picker");
    return EgressSocket.unconnected((destination, timeout) -> {
      EgressSource source = picker.next();
      return Sockets.open(connectors.sockets(), source,
          destinations.forSource(source, destination), timeout);
    }, connectTimeout);
  }

  /**
   * A socket factory for {@code sourceOrPool} (see {@link #picker}): its {@code createSocket()}
   * returns {@link #newSocket unconnected egress sockets}, and the other methods connected ones.
   */
  public SocketFactory socketFactory(String sourceOrPool) {
    return socketFactory(picker(sourceOrPool));
  }

  /** A socket factory whose sockets take their sources from {@code picker}. */
  public SocketFactory socketFactory(SourcePicker picker) {
    return new EgressSocketFactory(this, Objects.requireNonNull(picker, "picker"));
  }

  /**
   * The source health every connection of this kit records failures in: this process's own, or
   * (with {@link EgressKitBuilder#sharedHealth}) a {@link dev.egresskit.fleet.RedisSourceHealth}
   * shared with the fleet.
   */
  public SourceHealth health() {
    return health;
  }

  /** The resolver behind {@link #source} and {@link #pool} (cache, policy, invalidation). */
  public SourceResolver resolver() {
    return resolver;
  }

  /** The deadline {@link #connect(String, String, int)} and unconnected sockets use. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Closes the connectors (and their open Netty connections) and the policy engine. */
  @Override
  public void close() {
    closer.close();
  }

  /** A picker of one source, resolved on each call so the cache's TTL applies. */
  private record NamedSourcePicker(String name, SourceResolver resolver) implements SourcePicker {
    @Override
    public EgressSource next() {
      return resolver.resolve(name);
    }

    @Override
    public String toString() {
      return "source " + name;
    }
  }
}
