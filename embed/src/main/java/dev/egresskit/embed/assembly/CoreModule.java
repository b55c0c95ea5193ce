package dev.egresskit.embed.assembly;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import dev.egresskit.core.cache.CacheSettings;
import dev.egresskit.core.cache.SourceCacheFactory;
import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.core.health.SourceHealthTracker;
import dev.egresskit.core.policy.PolicyEngineProvider;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.spec.SourceValidator;
import dev.egresskit.core.validate.EgressSpecs;
import dev.egresskit.fleet.FleetHealthException;
import dev.egresskit.fleet.FleetHealthSettings;
import dev.egresskit.fleet.RedisSourceHealth;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Core: the options, the extension points as multibindings (policy engines by language, cache
 * implementations by name, source validators) that the binding modules and plug-ins contribute
 * to, the built-in cache implementations, the source health every resolver and connector shares
 * (this process's own, or a fleet's through Redis when the options name one, whose client runs
 * on the {@link SharedLoops} its Netty connectors run on), the validation built from
 * the source validators ({@link EgressSpecs}), and the factories of policy
 * engines ({@link PolicyLoader}) and resolvers ({@link Resolvers}).
 */
public final class CoreModule extends AbstractModule {
  private final KitOptions options;
  private final Closer closer;

  /** The module for {@code options}; what it creates is closed by {@code closer}. */
  public CoreModule(KitOptions options, Closer closer) {
    this.options = Objects.requireNonNull(options, "options");
    this.closer = Objects.requireNonNull(closer, "closer");
  }

  @Override
  protected void configure() {
    bind(KitOptions.class).toInstance(options);
    bind(Closer.class).toInstance(closer);
    bind(Clock.class).toInstance(options.clock());
    bind(MeterRegistry.class).toInstance(options.meterRegistry());
    bind(PolicySettings.class).toInstance(options.policySettings());
    bind(CacheSettings.class).toInstance(options.cacheSettings());
    // Declared here so each map/set is injectable even with no contributions.
    MapBinder.newMapBinder(binder(), String.class, PolicyEngineProvider.class);
    Multibinder<SourceValidator> validators =
        Multibinder.newSetBinder(binder(), SourceValidator.class);
    options.validators().forEach(v -> validators.addBinding().toInstance(v));
    MapBinder<String, SourceCacheFactory> caches =
        MapBinder.newMapBinder(binder(), String.class, SourceCacheFactory.class);
    // The built-in implementations core declares in its own META-INF/services.
    for (SourceCacheFactory factory
        : ServiceLoader.load(SourceCacheFactory.class, SourceCacheFactory.class.getClassLoader())) {
      caches.addBinding(factory.name()).toInstance(factory);
    }
    // Source validators on the application class path (the plug-in jars' come from
    // PluginModule); none ship with EgressKit itself.
    for (SourceValidator validator
        : ServiceLoader.load(SourceValidator.class, SourceValidator.class.getClassLoader())) {
      validators.addBinding().toInstance(validator);
    }
  }

  @Provides
  @Singleton
  EgressSpecs egressSpecs(Set<SourceValidator> validators) {
    return new EgressSpecs(List.copyOf(validators));
  }

  @Provides
  @Singleton
  SharedLoops sharedLoops() {
    return options.sharedHealth().isEmpty() ? SharedLoops.none()
        : SharedLoops.start(options.eventLoopThreads(), closer);
  }

  @Provides
  @Singleton
  SourceHealth sourceHealth(Clock clock, MeterRegistry registry, SharedLoops loops) {
    if (options.sharedHealth().isEmpty()) {
      return SourceHealthTracker.create(clock, registry);
    }
    return closer.register(startShared(options.sharedHealth().get(), clock, registry, loops));
  }

  private static RedisSourceHealth startShared(FleetHealthSettings settings, Clock clock,
      MeterRegistry registry, SharedLoops loops) {
    try {
      return RedisSourceHealth.start(settings, clock, registry, loops.group().orElse(null));
    } catch (FleetHealthException e) {
      throw new SetupException(e.getMessage(), e);
    }
  }

  @Provides
  @Singleton
  PolicyLoader policyLoader(Map<String, PolicyEngineProvider> engines, PolicySettings settings) {
    return new PolicyLoader(engines, settings, closer);
  }

  @Provides
  @Singleton
  Resolvers resolvers(Map<String, SourceCacheFactory> caches, CacheSettings cacheSettings,
      Clock clock, MeterRegistry registry, SourceHealth health, EgressSpecs specs) {
    return new Resolvers(caches, cacheSettings, clock, registry, health, specs);
  }
}
