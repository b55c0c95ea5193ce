package dev.egresskit.transport.spi;

import dev.egresskit.core.model.Route;
import dev.egresskit.transport.strategy.DirectStrategyFactory;

/** A test plug-in that claims the direct route with the built-in's priority: ambiguous. */
public final class TiedDirectFactory implements ConnectStrategyFactory {
  @Override
  public Class<? extends Route> routeType() {
    return Route.Direct.class;
  }

  @Override
  public ConnectStrategy create(Route route) {
    return new DirectStrategyFactory().create(route);
  }
}
