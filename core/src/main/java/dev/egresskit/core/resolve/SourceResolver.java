package dev.egresskit.core.resolve;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.egresskit.core.cache.CacheSettings;
import dev.egresskit.core.cache.CacheSetup;
import dev.egresskit.core.cache.SourceCache;
import dev.egresskit.core.cache.SourceCacheFactory;
import dev.egresskit.core.cache.SourceCaches;
import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.PoolEntry;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.policy.SourceLookup;
import dev.egresskit.core.spec.InvalidSpecException;
import dev.egresskit.core.validate.EgressSpecs;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a source or pool name into a validated {@link EgressSource} or {@link EgressPool}:
 * cache, then the policy's hook (spec §4, §6.1, §7.1). Thread-safe; one per loaded policy.
 *
 * <h2>Sources ({@link #resolve})</h2>
 * <ol>
 *   <li>{@code unspecified} is synthesised (every option unset, ttl 60 s) without the policy
 *       (spec §4.3).</li>
 *   <li>Otherwise the source cache ({@code egress_source_sources}) answers, or runs a single
 *       load per name: the {@code get_egress_source} handler; with no handler, the sources the
 *       policy defined statically; with neither, {@code Event get_egress_source has not been
 *       registered}.</li>
 *   <li>The result must be a source named as requested (KumoMTA does not check this, which
 *       breaks health tracking); a handler that returned nothing gets an error that hints at a
 *       missing {@code return}.</li>
 *   <li>The source must pass {@link EgressSpecs#accept}: the rules that need several fields
 *       (route rules) and the site rules, reported at the {@code make_egress_source} call. A
 *       half-configured source is never returned.</li>
 *   <li>Every failure becomes a {@link ResolutionException}
 *       {@code get_egress_source 'NAME': <cause>}, cached for the negative TTL (spec case 51)
 *       and re-thrown as the same instance meanwhile.</li>
 * </ol>
 *
 * <h2>Pools ({@link #resolvePool})</h2>
 * {@code unspecified} (and {@code null}) is synthesised as one entry, the {@code unspecified}
 * source. Other pools come from the {@code get_egress_pool} handler through the pool cache
 * ({@code egress_source_pools}); every entry's source is then resolved, and any failure fails
 * the pool: {@code resolving egress pool 'P': get_egress_source 'S': ...} (spec §4.4). A pool
 * must also be named as requested.
 *
 * <h2>Nested lookups</h2>
 * Handlers may call {@code kumo.invoke_get_egress_source/pool}; engines serve those calls with
 * the {@link SourceLookup} passed to {@link PolicyEngine#invoke} (not with a resolver captured
 * earlier), which ties them to the lookup that called the handler even if the engine runs the
 * handler on another thread. A lookup that would wait for itself, directly or through other
 * threads, fails with a {@code recursive lookup} / {@code lookup cycle} error naming the chain,
 * instead of deadlocking or overflowing the stack. As the top-level {@link SourceLookup}, this
 * class serves the same calls for code outside any handler.
 */
public final class SourceResolver implements SourceLookup {

  /** The source cache's name and {@code cache_name} label, as in KumoMTA. */
  public static final String SOURCE_CACHE_NAME = "egress_source_sources";

  /** The pool cache's name and {@code cache_name} label, as in KumoMTA. */
  public static final String POOL_CACHE_NAME = "egress_source_pools";

  private static final EgressSource UNSPECIFIED_SOURCE =
      EgressSource.named(EgressSource.UNSPECIFIED);
  private static final EgressPool UNSPECIFIED_POOL = EgressPool.unspecified();

  private final PolicyEngine engine;
  private final EgressSpecs specs;
  private final SourceHealth health;
  private final SourceCache<EgressSource> sources;
  private final SourceCache<EgressPool> pools;
  private final LookupGraph graph = new LookupGraph();

  private SourceResolver(Builder builder) {
    this.engine = builder.engine;
    this.specs = builder.specs;
    this.health = builder.health;
    // Without an injected time source the caches use the monotonic System.nanoTime: cheaper to
    // read than the wall clock on every hit, and TTLs do not jump when the wall clock is set.
    Ticker ticker = builder.ticker != null ? builder.ticker
        : builder.clockSet ? tickerOf(builder.clock) : Ticker.systemTicker();
    MeterRegistry registry =
        builder.registry != null ? builder.registry : new SimpleMeterRegistry();
    SourceCacheFactory factory = builder.cacheFactory != null ? builder.cacheFactory
        : SourceCaches.factory(builder.cacheSettings.implementation());
    this.sources = factory.create(new CacheSetup<>(
        SOURCE_CACHE_NAME, EgressSource::ttl, builder.cacheSettings, ticker, registry));
    this.pools = factory.create(new CacheSetup<>(
        POOL_CACHE_NAME, EgressPool::ttl, builder.cacheSettings, ticker, registry));
  }

  /** A builder for a resolver over {@code engine}. */
  public static Builder builder(PolicyEngine engine) {
    return new Builder(engine);
  }

  /**
   * The source named {@code name}.
   *
   * @throws ResolutionException {@code get_egress_source 'NAME': <cause>}
   */
  public EgressSource resolve(String name) {
    // A cache hit needs no cycle bookkeeping: it neither loads nor waits.
    EgressSource cached = sources.getIfCached(Objects.requireNonNull(name, "name"));
    return cached != null ? cached : resolve(name, graph.callerFlow());
  }

  /**
   * The pool named {@code name} ({@code null} means {@code unspecified}), with every entry's
   * source resolved.
   *
   * @throws ResolutionException {@code resolving egress pool 'NAME': <cause>}
   */
  public EgressPool resolvePool(String name) {
    return resolvePool(name, graph.callerFlow());
  }

  private EgressSource resolve(String name, LookupGraph.Flow flow) {
    Objects.requireNonNull(name, "name");
    if (EgressSource.UNSPECIFIED.equals(name)) {
      return UNSPECIFIED_SOURCE;
    }
    String label = sourceLabel(name);
    return graph.lookup(flow, label, label, () -> sources.get(name, n -> {
      LookupGraph.Flow loader = flow != null ? flow : new LookupGraph.Flow();
      return graph.loading(loader, label, () -> loadSource(n, label, loader));
    }));
  }

  private EgressPool resolvePool(String name, LookupGraph.Flow flow) {
    if (name == null || EgressSource.UNSPECIFIED.equals(name)) {
      return UNSPECIFIED_POOL;
    }
    String label = "get_egress_pool '" + name + "'";
    return graph.lookup(flow, label, poolPrefix(name), () -> pools.get(name, n -> {
      LookupGraph.Flow loader = flow != null ? flow : new LookupGraph.Flow();
      return graph.loading(loader, label, () -> loadPool(n, loader));
    }));
  }

  /** {@code kumo.invoke_get_egress_source(name)}: the {@link SourceViews#sourceView view}. */
  @Override
  public Map<String, Object> invokeGetEgressSource(String name) {
    return SourceViews.sourceView(resolve(name));
  }

  /** {@code kumo.invoke_get_egress_pool(name)}: the {@link SourceViews#poolView view}. */
  @Override
  public Map<String, Object> invokeGetEgressPool(String name) {
    return SourceViews.poolView(resolvePool(name));
  }

  /** The policy this resolver asks. */
  public PolicyEngine engine() {
    return engine;
  }

  /** The source health given to the builder ({@link SourceHealth#disabled()} by default). */
  public SourceHealth health() {
    return health;
  }

  /** Forgets every cached source and pool (and cached failure). */
  public void invalidateAll() {
    sources.invalidateAll();
    pools.invalidateAll();
  }

  private EgressSource loadSource(String name, String prefix, LookupGraph.Flow flow) {
    Made<EgressSource> made;
    if (engine.hasHandler(Hook.GET_EGRESS_SOURCE)) {
      made = invoke(prefix, Hook.GET_EGRESS_SOURCE, name, flow);
    } else {
      made = engine.definedSources().get(name);
      if (made == null) {
        throw new ResolutionException(prefix + ": Event get_egress_source has not been"
            + " registered, and " + engine.scriptName() + " defines no source named '" + name
            + "' with kumo.define_egress_source", null, null);
      }
    }
    checkName(prefix, Hook.GET_EGRESS_SOURCE, name, made.value().name(), made.location());
    try {
      // The rules that need several fields, and the site rules: a source is checked whole
      // when it is about to be used (make_egress_source checked each field on its own).
      return specs.accept(made);
    } catch (InvalidSpecException e) {
      throw wrap(prefix, e);
    }
  }

  private EgressPool loadPool(String name, LookupGraph.Flow flow) {
    String prefix = poolPrefix(name);
    if (!engine.hasHandler(Hook.GET_EGRESS_POOL)) {
      throw new ResolutionException(
          prefix + ": Event get_egress_pool has not been registered", null, null);
    }
    Made<EgressPool> made = invoke(prefix, Hook.GET_EGRESS_POOL, name, flow);
    checkName(prefix, Hook.GET_EGRESS_POOL, name, made.value().name(), made.location());
    for (PoolEntry entry : made.value().entries()) {
      try {
        resolve(entry.name(), flow);
      } catch (ResolutionException e) {
        throw new ResolutionException(prefix + ": " + e.getMessage(),
            e.location().orElse(null), e);
      }
    }
    return made.value();
  }

  /** Calls the handler; its failures, and a missing result, become prefixed errors. */
  private <T> Made<T> invoke(String prefix, Hook<T> hook, String name, LookupGraph.Flow flow) {
    Made<T> made;
    try {
      made = engine.invoke(hook, name, new NestedLookup(flow));
    } catch (RuntimeException e) {
      throw wrap(prefix, e);
    }
    if (made == null) {
      throw new ResolutionException(prefix + ": " + returnedNothing(hook),
          new ScriptLocation(engine.scriptName(), 0), null);
    }
    return made;
  }

  /**
   * What a handler's {@code kumo.invoke_get_egress_*} calls reach: the resolver, within the flow
   * of the load that called the handler, so recursion is caught even when the engine runs the
   * handler on another thread.
   */
  private final class NestedLookup implements SourceLookup {
    private final LookupGraph.Flow flow;

    NestedLookup(LookupGraph.Flow flow) {
      this.flow = flow;
    }

    @Override
    public Map<String, Object> invokeGetEgressSource(String name) {
      return SourceViews.sourceView(resolve(name, flow));
    }

    @Override
    public Map<String, Object> invokeGetEgressPool(String name) {
      return SourceViews.poolView(resolvePool(name, flow));
    }
  }

  private String returnedNothing(Hook<?> hook) {
    return "the " + hook.eventName() + " handler in " + engine.scriptName()
        + " returned nothing; it must return the value built by kumo." + hook.builderName()
        + " (is a 'return' missing?)";
  }

  private static void checkName(String prefix, Hook<?> hook, String requested, String returned,
      ScriptLocation location) {
    if (!returned.equals(requested)) {
      throw new ResolutionException(prefix + ": the " + hook.eventName() + " handler returned "
          + "a value named '" + returned + "' (built by " + hook.builderName() + " at "
          + location + "); its name must be the requested name '" + requested + "'",
          location, null);
    }
  }

  private static ResolutionException wrap(String prefix, RuntimeException cause) {
    String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
    ScriptLocation location = null;
    if (cause instanceof PolicyException policy) {
      location = policy.location().orElse(null);
    } else if (cause instanceof InvalidSpecException invalid) {
      location = invalid.location();
    } else if (cause instanceof ResolutionException nested) {
      location = nested.location().orElse(null);
    }
    return new ResolutionException(prefix + ": " + message, location, cause);
  }

  private static String sourceLabel(String name) {
    return "get_egress_source '" + name + "'";
  }

  private static String poolPrefix(String name) {
    return "resolving egress pool '" + name + "'";
  }

  private static Ticker tickerOf(Clock clock) {
    return () -> {
      Instant now = clock.instant();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    };
  }

  /** Configures a {@link SourceResolver}; every setting has a default. */
  public static final class Builder {
    private final PolicyEngine engine;
    private Clock clock = Clock.systemUTC();
    private boolean clockSet;
    private Ticker ticker;
    private MeterRegistry registry;
    private CacheSettings cacheSettings = CacheSettings.DEFAULTS;
    private SourceCacheFactory cacheFactory;
    private SourceHealth health = SourceHealth.disabled();
    private EgressSpecs specs = EgressSpecs.BUILT_IN;

    private Builder(PolicyEngine engine) {
      this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** The clock the caches read (default: the system clock); see also {@link #ticker}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.clockSet = true;
      return this;
    }

    /** A nanosecond ticker for the caches; takes precedence over {@link #clock}. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Where the cache meters go (default: a private {@link SimpleMeterRegistry}). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Cache capacity, negative TTL, stale grace and implementation name. */
    public Builder cacheSettings(CacheSettings settings) {
      this.cacheSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * A cache implementation given directly instead of found by
     * {@link CacheSettings#implementation() name} with {@link java.util.ServiceLoader}.
     */
    public Builder cacheFactory(SourceCacheFactory factory) {
      this.cacheFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** The source health that callers (pool selection, transport) share through the resolver. */
    public Builder health(SourceHealth health) {
      this.health = Objects.requireNonNull(health, "health");
      return this;
    }

    /**
     * The validation every source passes before it is returned (default: the built-in rules
     * only, {@link EgressSpecs#BUILT_IN}); the composition root passes one with the built-in and
     * plug-in {@link dev.egresskit.core.spec.SourceValidator}s.
     */
    public Builder specs(EgressSpecs specs) {
      this.specs = Objects.requireNonNull(specs, "specs");
      return this;
    }

    /**
     * The resolver.
     *
     * @throws IllegalArgumentException if no cache implementation has the configured name
     */
    public SourceResolver build() {
      return new SourceResolver(this);
    }
  }
}
