package dev.egresskit.embed.assembly;

import dev.egresskit.core.cache.CacheSettings;
import dev.egresskit.core.cache.SourceCacheFactory;
import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.core.validate.EgressSpecs;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds {@link SourceResolver}s for loaded policies, with the cache implementation chosen by
 * name among the built-in and plug-in ones, the assembly's validation (built-in and plug-in
 * source validators), clock and meters, and the shared source health.
 */
public final class Resolvers {
  private final Map<String, SourceCacheFactory> caches;
  private final CacheSettings defaults;
  private final Clock clock;
  private final MeterRegistry registry;
  private final SourceHealth health;
  private final EgressSpecs specs;

  Resolvers(Map<String, SourceCacheFactory> caches, CacheSettings defaults, Clock clock,
      MeterRegistry registry, SourceHealth health, EgressSpecs specs) {
    this.caches = new TreeMap<>(caches);
    this.defaults = defaults;
    this.specs = specs;
    this.clock = clock;
    this.registry = registry;
    this.health = health;
  }

  /** The source health every resolver of this assembly shares (local, or a fleet's). */
  public SourceHealth health() {
    return health;
  }

  /** A resolver over {@code engine} with the assembly's cache settings. */
  public SourceResolver create(PolicyEngine engine) {
    return create(engine, defaults.implementation());
  }

  /**
   * A resolver over {@code engine} using the cache implementation {@code cacheName}.
   *
   * @throws SetupException if no cache implementation has that name
   */
  public SourceResolver create(PolicyEngine engine, String cacheName) {
    SourceCacheFactory factory = caches.get(cacheName);
    if (factory == null) {
      throw new SetupException(cacheName + ": no such cache implementation"
          + " (available: " + String.join(", ", caches.keySet()) + ")");
    }
    return SourceResolver.builder(engine)
        .clock(clock)
        .meterRegistry(registry)
        .cacheSettings(defaults.withImplementation(cacheName))
        .cacheFactory(factory)
        .health(health)
        .specs(specs)
        .build();
  }
}
