package dev.egresskit.embed;

import dev.egresskit.core.model.EgressSource;

/**
 * Where connections get their source from: one named source, or a pool that picks one of its
 * sources for each connection with KumoMTA's weighted round robin, leaving out sources that are
 * suspended. Obtained from {@link EgressKit#pool}, {@link EgressKit#picker} or {@link #of}.
 * Thread-safe.
 */
public interface SourcePicker {

  /** The source or pool name this picker was created for. */
  String name();

  /**
   * The source for the next connection, resolved through the kit's cache (so a changed policy
   * answer is seen once the cached definition's TTL has passed).
   *
   * @throws dev.egresskit.core.resolve.ResolutionException if the policy cannot produce the
   *     source or pool
   * @throws NoEligibleSourceException if a pool has no source of positive weight, or all of
   *     them are suspended
   */
  EgressSource next();

  /** A picker that always answers {@code source}. */
  static SourcePicker of(EgressSource source) {
    java.util.Objects.requireNonNull(source, "source");
    return new SourcePicker() {
      @Override
      public String name() {
        return source.name();
      }

      @Override
      public EgressSource next() {
        return source;
      }

      @Override
      public String toString() {
        return "source " + source.name();
      }
    };
  }
}
