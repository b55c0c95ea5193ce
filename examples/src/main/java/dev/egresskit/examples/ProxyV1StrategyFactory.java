package dev.egresskit.examples;

import dev.egresskit.core.model.Route;
import dev.egresskit.transport.spi.ConnectStrategy;
import dev.egresskit.transport.spi.ConnectStrategyFactory;
import java.util.Locale;

/**
 * A connect strategy for HAProxy routes that sends the PROXY protocol's <b>version 1</b> text
 * header ({@code PROXY TCP4 <src> <dst> <sport> <dport>\r\n}) instead of KumoMTA's binary
 * version 2, for receivers that only understand v1.
 *
 * <p>It is opt-in: with the system property {@code egresskit.examples.proxy-protocol} or the
 * environment variable {@code EGRESSKIT_PROXY_PROTOCOL} set to {@code v1}, its
 * {@link #priority()} is 10 and it replaces the built-in strategy (priority 0) for every
 * {@link Route.HaProxy} route; otherwise its priority is -1 and the built-in one is used.
 */
public final class ProxyV1StrategyFactory implements ConnectStrategyFactory {

  /** For {@link java.util.ServiceLoader}. */
  public ProxyV1StrategyFactory() {}

  @Override
  public Class<? extends Route> routeType() {
    return Route.HaProxy.class;
  }

  @Override
  public int priority() {
    return enabled() ? 10 : -1;
  }

  @Override
  public ConnectStrategy create(Route route) {
    return new ProxyV1Strategy((Route.HaProxy) route);
  }

  private static boolean enabled() {
    String setting = System.getProperty("egresskit.examples.proxy-protocol");
    if (setting == null) {
      setting = System.getenv("EGRESSKIT_PROXY_PROTOCOL");
    }
    return setting != null && setting.trim().toLowerCase(Locale.ROOT).equals("v1");
  }
}
