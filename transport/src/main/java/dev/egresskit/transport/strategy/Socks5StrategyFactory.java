package dev.egresskit.transport.strategy;

import dev.egresskit.core.model.Route;
import dev.egresskit.transport.spi.ConnectStrategy;
import dev.egresskit.transport.spi.ConnectStrategyFactory;

/**
 * Built-in factory for {@link Route.Socks5}: RFC 1928 greeting, RFC 1929 when credentials are
 * configured, then BIND(source) + CONNECT(destination) on one connection (KumoProxy's dialect)
 * or a plain CONNECT when no SOCKS5 source address is set.
 */
public final class Socks5StrategyFactory implements ConnectStrategyFactory {
  /** Called by {@link java.util.ServiceLoader}. */
  public Socks5StrategyFactory() {}

  @Override
  public Class<? extends Route> routeType() {
    return Route.Socks5.class;
  }

  @Override
  public ConnectStrategy create(Route route) {
    return new Socks5Strategy((Route.Socks5) route);
  }
}
