package dev.egresskit.transport.testing;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.core.model.EgressSource;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link SourceHealth} that records every failure and suspends the names it is told to. */
public final class RecordingHealth implements SourceHealth {
  private final List<String> recorded = new CopyOnWriteArrayList<>();
  private final Set<String> suspended = ConcurrentHashMap.newKeySet();

  public void suspend(String name) {
    suspended.add(name);
  }

  /** Each entry is {@code "<source>:<KIND>"}. */
  public List<String> recorded() {
    return List.copyOf(recorded);
  }

  @Override
  public Optional<Instant> suspendedUntil(String sourceName) {
    return suspended.contains(sourceName) ? Optional.of(Instant.MAX) : Optional.empty();
  }

  @Override
  public void recordFailure(EgressSource source, FailureKind kind) {
    recorded.add(source.name() + ":" + kind);
  }
}
