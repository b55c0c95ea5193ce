package dev.egresskit.embed;

import dev.egresskit.core.pool.PoolSelection;
import java.util.Objects;

/**
 * A pool could not give a source: it has no entry of positive weight ({@link
 * PoolSelection.NoSources}), or every such entry is suspended ({@link
 * PoolSelection.AllSuspended}, with the earliest end of a suspension). The message is KumoMTA's
 * text for the outcome, e.g. {@code no sources for pool-1 pool=`pool-1` are eligible for selection
 * at this time}. KumoMTA treats both as a transient failure (a {@code 451}): try again later.
 */
public final class NoEligibleSourceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient PoolSelection selection;

  NoEligibleSourceException(PoolSelection selection) {
    super(Objects.requireNonNull(selection, "selection").description());
    this.selection = selection;
  }

  /** What the pool selection found: {@code NoSources} or {@code AllSuspended}. */
  public PoolSelection selection() {
    return selection;
  }
}
