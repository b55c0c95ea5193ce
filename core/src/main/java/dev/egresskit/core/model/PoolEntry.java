package dev.egresskit.core.model;

import java.util.Objects;

/**
 * One source in a pool.
 *
 * @param name   the source name
 * @param weight the relative weight, 0..2^32-1; 0 is the same as leaving the entry out
 */
public record PoolEntry(String name, long weight) {
  /** The largest weight (KumoMTA's {@code u32}). */
  public static final long MAX_WEIGHT = 0xFFFF_FFFFL;

  public PoolEntry {
    Objects.requireNonNull(name, "name");
    if (weight < 0 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException("weight must be 0.." + MAX_WEIGHT + ": " + weight);
    }
  }
}
