package dev.egresskit.cli.run;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import dev.egresskit.core.cache.SourceCacheFactory;
import dev.egresskit.core.policy.PolicyEngineProvider;
import dev.egresskit.core.spec.SourceValidator;
import java.util.Objects;

/**
 * Plug-ins: every service that the {@code --plugin} jars declare in {@code META-INF/services}
 * is contributed to the same multibindings the built-in modules use (policy engines by
 * language, cache implementations by name, source validators). With no plug-ins this module
 * contributes nothing.
 */
final class PluginModule extends AbstractModule {
  private final Plugins plugins;

  PluginModule(Plugins plugins) {
    this.plugins = Objects.requireNonNull(plugins, "plugins");
  }

  @Override
  protected void configure() {
    bind(Plugins.class).toInstance(plugins);
    MapBinder<String, PolicyEngineProvider> engines =
        MapBinder.newMapBinder(binder(), String.class, PolicyEngineProvider.class);
    for (PolicyEngineProvider provider : plugins.services(PolicyEngineProvider.class)) {
      engines.addBinding(provider.language()).toInstance(provider);
    }
    MapBinder<String, SourceCacheFactory> caches =
        MapBinder.newMapBinder(binder(), String.class, SourceCacheFactory.class);
    for (SourceCacheFactory factory : plugins.services(SourceCacheFactory.class)) {
      caches.addBinding(factory.name()).toInstance(factory);
    }
    Multibinder<SourceValidator> validators =
        Multibinder.newSetBinder(binder(), SourceValidator.class);
    for (SourceValidator validator : plugins.services(SourceValidator.class)) {
      validators.addBinding().toInstance(validator);
    }
  }
}
