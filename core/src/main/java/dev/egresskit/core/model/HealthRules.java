package dev.egresskit.core.model;

import java.util.Objects;
import java.util.Optional;

/**
 * When a source is automatically suspended after connection failures (spec §8).
 *
 * @param whenUnplumbed       {@code suspend_when_unplumbed}: the local bind failed (EADDRNOTAVAIL)
 * @param whenProxyUnhealthy  {@code suspend_when_proxy_unhealthy}: the proxy was unreachable or
 *                            could not bind the requested source address
 */
public record HealthRules(
    Optional<SuspendOnFailure> whenUnplumbed, Optional<SuspendOnFailure> whenProxyUnhealthy) {

  /** No auto-suspension. */
  public static final HealthRules NONE = new HealthRules(Optional.empty(), Optional.empty());

  public HealthRules {
    Objects.requireNonNull(whenUnplumbed, "whenUnplumbed");
    Objects.requireNonNull(whenProxyUnhealthy, "whenProxyUnhealthy");
  }
}
