package dev.egresskit.transport;

import dev.egresskit.core.model.Route;
import dev.egresskit.transport.spi.ConnectStrategyFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** The {@link ConnectStrategyFactory} chosen for each route type, from {@link ServiceLoader}. */
final class StrategyRegistry {
  private final Map<Class<? extends Route>, ConnectStrategyFactory> byRoute;

  private StrategyRegistry(Map<Class<? extends Route>, ConnectStrategyFactory> byRoute) {
    this.byRoute = Map.copyOf(byRoute);
  }

  /** Loads every factory visible to {@code loader}; the highest priority per route type wins. */
  static StrategyRegistry load(ClassLoader loader) {
    List<ConnectStrategyFactory> all = ServiceLoader.load(ConnectStrategyFactory.class, loader)
        .stream().map(ServiceLoader.Provider::get).collect(Collectors.toList());
    Map<Class<? extends Route>, ConnectStrategyFactory> chosen = new HashMap<>();
    for (ConnectStrategyFactory factory : all) {
      ConnectStrategyFactory held = chosen.get(factory.routeType());
      if (held == null || factory.priority() > held.priority()) {
        chosen.put(factory.routeType(), factory);
      } else if (factory.priority() == held.priority()) {
        throw new IllegalStateException("two ConnectStrategyFactory implementations handle "
            + factory.routeType().getName() + " with the same priority " + factory.priority()
            + ": " + held.getClass().getName() + " and " + factory.getClass().getName()
            + "; give the one that should win a higher priority()");
      }
    }
    return new StrategyRegistry(chosen);
  }

  /** The factory for {@code route}'s type. */
  ConnectStrategyFactory factoryFor(Route route) {
    ConnectStrategyFactory factory = byRoute.get(route.getClass());
    if (factory != null) {
      return factory;
    }
    for (Map.Entry<Class<? extends Route>, ConnectStrategyFactory> e : byRoute.entrySet()) {
      if (e.getKey().isInstance(route)) {
        return e.getValue();
      }
    }
    throw new IllegalStateException("no ConnectStrategyFactory handles route type "
        + route.getClass().getName() + " (found factories for " + byRoute.keySet()
        + "); is META-INF/services/" + ConnectStrategyFactory.class.getName()
        + " on the class path?");
  }
}
