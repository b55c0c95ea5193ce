package dev.egresskit.transport.strategy;

import dev.egresskit.core.model.Route;
import dev.egresskit.transport.spi.ConnectStrategy;
import dev.egresskit.transport.spi.ConnectStrategyFactory;

/** Built-in factory for {@link Route.HaProxy}: connect to the proxy, write one PROXY v2 header. */
public final class HaProxyStrategyFactory implements ConnectStrategyFactory {
  /** Called by {@link java.util.ServiceLoader}. */
  public HaProxyStrategyFactory() {}

  @Override
  public Class<? extends Route> routeType() {
    return Route.HaProxy.class;
  }

  @Override
  public ConnectStrategy create(Route route) {
    return new HaProxyStrategy((Route.HaProxy) route);
  }
}
