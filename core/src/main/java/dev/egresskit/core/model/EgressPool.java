package dev.egresskit.core.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A named, weighted set of sources ({@code kumo.make_egress_pool}). An empty pool is legal.
 *
 * @param name    the pool name
 * @param entries the entries in declaration order; duplicates are allowed, as in KumoMTA
 * @param ttl     how long this definition may be cached
 */
public record EgressPool(String name, List<PoolEntry> entries, Duration ttl) {
  public EgressPool {
    Objects.requireNonNull(name, "name");
    entries = List.copyOf(entries);
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must not be negative: " + ttl);
    }
  }

  /** The pool synthesised for {@code unspecified}: one entry, the {@code unspecified} source. */
  public static EgressPool unspecified() {
    return new EgressPool(EgressSource.UNSPECIFIED,
        List.of(new PoolEntry(EgressSource.UNSPECIFIED, 1)), EgressSource.DEFAULT_TTL);
  }
}
