package dev.egresskit.core.health;

/** The failure classes that can suspend a source (spec §8.1), named as KumoMTA's metrics name them. */
public enum HealthEvent {
  /** The local bind failed with EADDRNOTAVAIL: the source address is not configured here. */
  Unplumbed,
  /** The proxy was unreachable, or it could not bind the requested source address. */
  ProxyUnhealthy
}
