package dev.egresskit.cli.run;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
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
 * Core: the extension points as Guice multibindings (policy engines by language, cache
 * implementations by name, plug-in source validators) that the binding modules and plug-ins
 * contribute to; the built-in cache implementations; the run's clock, source health and the
 * factory of resolvers.
 */
final class CoreModule extends AbstractModule {
  private final Closer closer;

  CoreModule(Closer closer) {
    this.closer = Objects.requireNonNull(closer, "closer");
  }

  @Override
  protected void configure() {
    bind(Closer.class).toInstance(closer);
    // Declared here so each map/set is injectable even with no contributions.
    MapBinder.newMapBinder(binder(), String.class, PolicyEngineProvider.class);
    Multibinder.newSetBinder(binder(), SourceValidator.class);
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
  Clock clock() {
    return Clock.systemUTC();
  }

  @Provides
  @Singleton
  PolicySettings policySettings() {
    return PolicySettings.DEFAULTS;
  }

  @Provides
  @Singleton
  PolicyLoader policyLoader(Map<String, PolicyEngineProvider> engines, PolicySettings settings,
      Set<SourceValidator> pluginValidators) {
    return new PolicyLoader(engines, settings, pluginValidators, closer);
  }

  @Provides
  @Singleton
  SourceHealthTracker sourceHealth(Clock clock, MeterRegistry registry) {
    return SourceHealthTracker.create(clock, registry);
  }

  @Provides
  @Singleton
  Resolvers resolvers(Map<String, SourceCacheFactory> caches, Clock clock,
      MeterRegistry registry, SourceHealthTracker health) {
    return new Resolvers(caches, clock, registry, health);
  }
}
