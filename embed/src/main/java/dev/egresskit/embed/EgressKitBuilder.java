package dev.egresskit.embed;

import dev.egresskit.core.cache.CacheSettings;
import dev.egresskit.core.policy.FileAccess;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.spec.SourceValidator;
import dev.egresskit.embed.assembly.KitOptions;
import dev.egresskit.embed.assembly.SetupException;
import dev.egresskit.fleet.FleetHealthSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Configures an {@link EgressKit}. Only {@link #policy} is required; every other setting has
 * KumoMTA's default or the JDK's.
 *
 * <pre>{@code
 * EgressKit kit = EgressKit.builder()
 *     .policy(Path.of("/etc/egress/policy.lua"))
 *     .cache("lruttl")                            // or "uncached", or a plug-in's
 *     .validators(new MyNamingRules())            // run on every source the policy builds
 *     .meterRegistry(prometheusRegistry)          // cache, health and connect meters
 *     .connectTimeout(Duration.ofSeconds(30))
 *     .sharedHealth("redis://redis.internal:6379")  // source health shared by the fleet
 *     .build();
 * }</pre>
 */
public final class EgressKitBuilder {
  /** The default connect deadline (KumoMTA's {@code connect_timeout}). */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(60);

  private Path policy;
  private CacheSettings cacheSettings = CacheSettings.DEFAULTS;
  private final List<SourceValidator> validators = new ArrayList<>();
  private Clock clock = Clock.systemUTC();
  private MeterRegistry meterRegistry;
  private int poolSize = PolicySettings.DEFAULTS.poolSize();
  private Duration handlerDeadline = PolicySettings.DEFAULTS.handlerDeadline();
  private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  private final List<Path> readRoots = new ArrayList<>();
  private ClassLoader pluginLoader = KitOptions.noPlugins();
  private int eventLoopThreads;
  private FleetHealthSettings sharedHealth;

  EgressKitBuilder() {}

  /**
   * The policy script. Its extension picks the engine: {@code .lua} (LuaJ), {@code .js}
   * (Nashorn), or one a plug-in adds. Files the policy reads must be in its folder or in an
   * {@link #allowRead} root.
   */
  public EgressKitBuilder policy(Path script) {
    this.policy = Objects.requireNonNull(script, "script");
    return this;
  }

  /**
   * The source and pool cache implementation by name: {@code lruttl} (the default: per-entry
   * TTL, capacity 128, 60 s negative TTL, as KumoMTA), {@code uncached}, or one a plug-in adds.
   */
  public EgressKitBuilder cache(String implementation) {
    this.cacheSettings = cacheSettings.withImplementation(
        Objects.requireNonNull(implementation, "implementation"));
    return this;
  }

  /** All cache settings at once: capacity, negative TTL, stale grace and implementation. */
  public EgressKitBuilder cacheSettings(CacheSettings settings) {
    this.cacheSettings = Objects.requireNonNull(settings, "settings");
    return this;
  }

  /**
   * Source validators to run on every source the policy builds, after EgressKit's own rules and
   * the validators found on the class path; their problems fail the lookup (or the load, for
   * statically defined sources) with the usual numbered list. May be called more than once.
   */
  public EgressKitBuilder validators(SourceValidator... added) {
    for (SourceValidator v : added) {
      validators.add(Objects.requireNonNull(v, "validator"));
    }
    return this;
  }

  /** The clock of the caches' TTLs and of source health (default: the system clock). */
  public EgressKitBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** Where the cache, health and connection meters go (default: a private registry). */
  public EgressKitBuilder meterRegistry(MeterRegistry registry) {
    this.meterRegistry = Objects.requireNonNull(registry, "registry");
    return this;
  }

  /** The longest one policy handler call may run (default 5 s); a longer call fails. */
  public EgressKitBuilder handlerDeadline(Duration deadline) {
    this.handlerDeadline = positive(deadline, "handlerDeadline");
    return this;
  }

  /**
   * The deadline of {@link EgressKit#connect(String, String, int)} and of sockets connected
   * without a timeout: name resolution, TCP connect and the route's handshake together
   * (default 60 s, KumoMTA's {@code connect_timeout}).
   */
  public EgressKitBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = positive(timeout, "connectTimeout");
    return this;
  }

  /** How many interpreters may run handlers at once (default: the processor count). */
  public EgressKitBuilder interpreters(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("interpreters must be at least 1: " + count);
    }
    this.poolSize = count;
    return this;
  }

  /**
   * Folders outside the policy's own folder whose files the policy may read (absolute paths in
   * {@code kumo.json_load}, {@code require} and the like). May be called more than once.
   */
  public EgressKitBuilder allowRead(Path... roots) {
    Arrays.stream(roots).map(r -> Objects.requireNonNull(r, "root")).forEach(readRoots::add);
    return this;
  }

  /**
   * The class loader of plug-in jars: the policy engines, cache implementations, source
   * validators and connect strategies that it defines itself (in its jars' {@code
   * META-INF/services}) are used next to the built-in ones. The caller keeps ownership.
   */
  public EgressKitBuilder pluginClassLoader(ClassLoader loader) {
    this.pluginLoader = Objects.requireNonNull(loader, "loader");
    return this;
  }

  /** Netty event-loop threads for {@link EgressKit#connect} (default 0: Netty's choice). */
  public EgressKitBuilder eventLoopThreads(int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("eventLoopThreads must be >= 0: " + threads);
    }
    this.eventLoopThreads = threads;
    return this;
  }

  /**
   * Shares source health with every node configured with the same Redis (see {@code
   * docs/fleet.md}): failures count in fleet-wide windows and a suspension reaches every node at
   * once, while connects read a local copy and never wait on Redis. A Redis that is unreachable
   * at {@link #build()} is not an error (the kit runs on its own health and joins when Redis
   * appears); one that refuses the node is.
   *
   * @param url {@code redis://[[user]:password@]host[:port][/database]} or {@code rediss://...}
   * @throws IllegalArgumentException if the URL is not a Redis URL (the message hides the
   *     password)
   */
  public EgressKitBuilder sharedHealth(String url) {
    return sharedHealth(FleetHealthSettings.of(Objects.requireNonNull(url, "url")));
  }

  /** As {@link #sharedHealth(String)}, with every setting (key prefix, node id, bounds). */
  public EgressKitBuilder sharedHealth(FleetHealthSettings settings) {
    this.sharedHealth = Objects.requireNonNull(settings, "settings");
    return this;
  }

  /**
   * Loads the policy (its top level runs now) and assembles the kit.
   *
   * @throws IllegalStateException if no policy was given
   * @throws SetupException if the policy file is missing, no engine handles it, the cache
   *     implementation does not exist, a read root is not a directory, or the shared health's
   *     Redis refuses this node (wrong password, database or TLS setting)
   * @throws dev.egresskit.core.policy.PolicyException if the policy fails to load
   * @throws dev.egresskit.core.spec.InvalidSpecException if a source it defines is invalid
   */
  public EgressKit build() {
    if (policy == null) {
      throw new IllegalStateException("no policy: call policy(Path) before build()");
    }
    KitOptions options = new KitOptions(
        new PolicySettings(poolSize, handlerDeadline)
            .withFiles(new FileAccess(List.copyOf(readRoots), List.of())), cacheSettings, clock,
        meterRegistry != null ? meterRegistry : new SimpleMeterRegistry(), validators,
        pluginLoader, readRoots, eventLoopThreads, Optional.ofNullable(sharedHealth));
    return EgressKit.assemble(options, policy, connectTimeout);
  }

  private static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive: " + d);
    }
    return d;
  }
}
