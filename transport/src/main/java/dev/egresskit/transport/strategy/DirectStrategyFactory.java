package dev.egresskit.transport.strategy;

import dev.egresskit.core.model.Route;
import dev.egresskit.transport.spi.ConnectStrategy;
import dev.egresskit.transport.spi.ConnectStrategyFactory;

/** Built-in factory for {@link Route.Direct}: bind {@code source_address}, connect, done. */
public final class DirectStrategyFactory implements ConnectStrategyFactory {
  /** Called by {@link java.util.ServiceLoader}. */
  public DirectStrategyFactory() {}

  @Override
  public Class<? extends Route> routeType() {
    return Route.Direct.class;
  }

  @Override
  public ConnectStrategy create(Route route) {
    return new DirectStrategy((Route.Direct) route);
  }
}
