package dev.egresskit.core.spec;

import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;

/**
 * The single entry point from a {@link RawSpec} to a validated model value. Every problem is
 * collected before anything is thrown.
 */
public final class EgressSpecs {
  private EgressSpecs() {}

  /**
   * Validates a {@code make_egress_source} spec, then runs every {@link SourceValidator} found on
   * the class path.
   *
   * @throws InvalidSpecException listing every problem
   */
  public static EgressSource toSource(RawSpec spec) {
    throw new UnsupportedOperationException("filled in by the foundation work");
  }

  /**
   * Validates a {@code make_egress_pool} spec (fields, defaults and errors of spec §7.1).
   *
   * @throws InvalidSpecException listing every problem
   */
  public static EgressPool toPool(RawSpec spec) {
    throw new UnsupportedOperationException("filled in by the foundation work");
  }
}
