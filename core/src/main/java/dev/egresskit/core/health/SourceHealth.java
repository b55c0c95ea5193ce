package dev.egresskit.core.health;

import dev.egresskit.core.model.EgressSource;
import java.time.Instant;
import java.util.Optional;

/**
 * Tracks connection failures per source and suspends sources according to their
 * {@link dev.egresskit.core.model.HealthRules}. Process-local and thread-safe.
 */
public interface SourceHealth {

  /** When the suspension of {@code sourceName} ends, if it is suspended now. */
  Optional<Instant> suspendedUntil(String sourceName);

  /**
   * Records the final failure of a connection attempt from {@code source}. Kinds without a
   * {@link FailureKind#healthEvent() health event} are ignored.
   */
  void recordFailure(EgressSource source, FailureKind kind);

  /** A tracker that never suspends anything (for tools that only probe). */
  static SourceHealth disabled() {
    return new SourceHealth() {
      @Override
      public Optional<Instant> suspendedUntil(String sourceName) {
        return Optional.empty();
      }

      @Override
      public void recordFailure(EgressSource source, FailureKind kind) {
        // deliberately nothing
      }
    };
  }
}
