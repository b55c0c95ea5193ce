package dev.egresskit.core.model;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A validated egress source: the name used in logs and health tracking, the EHLO name, an
 * optional destination-port override, how long the definition may be cached, the health rules,
 * and the {@link Route} that decides how connections are made.
 *
 * @param name       the source name (equal to the name it was requested under)
 * @param ehloDomain the EHLO name to announce, when the caller does not override it
 * @param remotePort overrides the destination port when present (1..65535)
 * @param ttl        how long this definition may be cached; zero means never cached
 * @param health     the auto-suspension rules
 * @param route      how connections are made: direct, through HAProxy or through SOCKS5
 */
public record EgressSource(
    String name,
    Optional<String> ehloDomain,
    OptionalInt remotePort,
    Duration ttl,
    HealthRules health,
    Route route) {

  /** KumoMTA's default cache lifetime of a source or pool definition. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);

  /** The name of the source synthesised without consulting the policy (spec §4.3). */
  public static final String UNSPECIFIED = "unspecified";

  public EgressSource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(ehloDomain, "ehloDomain");
    Objects.requireNonNull(remotePort, "remotePort");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(route, "route");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must not be negative: " + ttl);
    }
    if (remotePort.isPresent() && (remotePort.getAsInt() < 1 || remotePort.getAsInt() > 65535)) {
      throw new IllegalArgumentException("remotePort must be 1..65535: " + remotePort.getAsInt());
    }
  }

  /** A source with only a name: direct route, kernel-chosen address, default TTL, no health rules. */
  public static EgressSource named(String name) {
    return new EgressSource(name, Optional.empty(), OptionalInt.empty(), DEFAULT_TTL,
        HealthRules.NONE, new Route.Direct(Optional.empty()));
  }

  /** The local address sockets bind to ({@code source_address}), in every route. */
  public Optional<InetAddress> sourceAddress() {
    return route.bindAddress();
  }
}
