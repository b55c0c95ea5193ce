package dev.egresskit.transport.testing;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.HealthRules;
import dev.egresskit.core.model.Route;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.OptionalInt;

/** Builds sources and addresses for tests. */
public final class Sources {
  private Sources() {}

  public static EgressSource source(String name, Route route) {
    return new EgressSource(name, Optional.empty(), OptionalInt.empty(),
        EgressSource.DEFAULT_TTL, HealthRules.NONE, route);
  }

  public static EgressSource source(String name, Optional<String> ehlo, OptionalInt remotePort,
      Route route) {
    return new EgressSource(name, ehlo, remotePort, EgressSource.DEFAULT_TTL, HealthRules.NONE,
        route);
  }

  public static EgressSource direct(String name, String bind) {
    return source(name, new Route.Direct(Optional.of(ip(bind))));
  }

  /** An IP literal (never a DNS lookup). */
  public static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
