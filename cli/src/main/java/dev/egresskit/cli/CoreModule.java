package dev.egresskit.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import dev.egresskit.core.policy.PolicyEngineProvider;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.spec.SourceValidator;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * Core: the extension points (policy engines by language, site validators) as Guice
 * multibindings that the binding modules and plug-ins contribute to, and the run's clock and
 * resource owner.
 */
final class CoreModule extends AbstractModule {
  private final Closer closer;

  CoreModule(Closer closer) {
    this.closer = Objects.requireNonNull(closer, "closer");
  }

  @Override
  protected void configure() {
    bind(Closer.class).toInstance(closer);
    // Declared here so an empty set/map is injectable even with no contributions.
    MapBinder.newMapBinder(binder(), String.class, PolicyEngineProvider.class);
    Multibinder.newSetBinder(binder(), SourceValidator.class);
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
  PolicyLoader policyLoader(Map<String, PolicyEngineProvider> engines, PolicySettings settings) {
    return new PolicyLoader(engines, settings, closer);
  }
}
