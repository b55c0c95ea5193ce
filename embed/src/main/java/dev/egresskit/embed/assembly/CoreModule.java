package dev.egresskit.embed.assembly;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import dev.egresskit.core.cache.CacheSettings;
import dev.egresskit.core.cache.SourceCacheFactory;
import dev.egresskit.core.health.SourceHealthTracker;
import dev.egresskit.core.policy.PolicyEngineProvider;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.spec.SourceValidator;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Core: the options, the extension points as multibindings (policy engines by language, cache
 * implementations by name, source validators) that the binding modules and plug-ins contribute
 * to, the built-in cache implementations, the shared source health, and the factories of policy
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
  }

  @Provides
  @Singleton
  SourceHealthTracker sourceHealth(Clock clock, MeterRegistry registry) {
    return SourceHealthTracker.create(clock, registry);
  }

  @Provides
  @Singleton
  PolicyLoader policyLoader(Map<String, PolicyEngineProvider> engines, PolicySettings settings,
      Set<SourceValidator> validators) {
    return new PolicyLoader(engines, settings, validators, closer);
  }

  @Provides
  @Singleton
  Resolvers resolvers(Map<String, SourceCacheFactory> caches, CacheSettings cacheSettings,
      Clock clock, MeterRegistry registry, SourceHealthTracker health) {
    return new Resolvers(caches, cacheSettings, clock, registry, health);
  }
}
