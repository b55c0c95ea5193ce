package dev.egresskit.transport.spi;

import dev.egresskit.core.model.Route;

/**
 * Creates the {@link ConnectStrategy} for one {@link Route} type. Implementations are found with
 * {@link java.util.ServiceLoader}, so they need a public no-argument constructor and a line in
 * {@code META-INF/services/dev.egresskit.transport.spi.ConnectStrategyFactory}.
 *
 * <p>When several factories claim the same route type, the one with the highest {@link
 * #priority()} is used; two factories with the same highest priority are an error (the connector
 * refuses to guess). The built-in factories have priority 0.
 */
public interface ConnectStrategyFactory {

  /** The route type this factory handles, e.g. {@code Route.Socks5.class}. */
  Class<? extends Route> routeType();

  /** Higher wins when several factories handle the same route type; built-ins use 0. */
  default int priority() {
    return 0;
  }

  /**
   * Creates the strategy for one connection attempt.
   *
   * @param route a route of {@link #routeType()}
   */
  ConnectStrategy create(Route route);
}
