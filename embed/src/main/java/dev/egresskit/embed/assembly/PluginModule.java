package dev.egresskit.embed.assembly;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import dev.egresskit.core.cache.SourceCacheFactory;
import dev.egresskit.core.policy.PolicyEngineProvider;
import dev.egresskit.core.spec.SourceValidator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Plug-ins: every service that the plug-in class loader itself defines (declared in its jars'
 * {@code META-INF/services}) is contributed to the multibindings the built-in modules use
 * (policy engines by language, cache implementations by name, source validators). Services of
 * the parent loaders are built in and never bound twice; with no plug-ins this module
 * contributes nothing. Connect strategies are found by the connector in the same loader.
 */
public final class PluginModule extends AbstractModule {
  private final ClassLoader loader;

  /** The plug-ins that {@code loader} defines. */
  public PluginModule(ClassLoader loader) {
    this.loader = Objects.requireNonNull(loader, "loader");
  }

  @Override
  protected void configure() {
    MapBinder<String, PolicyEngineProvider> engines =
        MapBinder.newMapBinder(binder(), String.class, PolicyEngineProvider.class);
    for (PolicyEngineProvider provider : services(PolicyEngineProvider.class)) {
      engines.addBinding(provider.language()).toInstance(provider);
    }
    MapBinder<String, SourceCacheFactory> caches =
        MapBinder.newMapBinder(binder(), String.class, SourceCacheFactory.class);
    for (SourceCacheFactory factory : services(SourceCacheFactory.class)) {
      caches.addBinding(factory.name()).toInstance(factory);
    }
    Multibinder<SourceValidator> validators =
        Multibinder.newSetBinder(binder(), SourceValidator.class);
    for (SourceValidator validator : services(SourceValidator.class)) {
      validators.addBinding().toInstance(validator);
    }
  }

  private <S> List<S> services(Class<S> type) {
    if (loader == KitOptions.noPlugins()) {
      return List.of();
    }
    return ServiceLoader.load(type, loader).stream()
        .filter(provider -> provider.type().getClassLoader() == loader)
        .map(ServiceLoader.Provider::get)
        .toList();
  }
}
