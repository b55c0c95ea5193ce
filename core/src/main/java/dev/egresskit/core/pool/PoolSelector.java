package dev.egresskit.core.pool;

import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.PoolEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Picks sources from one pool for one queue with KumoMTA's weighted round robin (spec §7.2 -
 * §7.4). Entries of weight 0 are left out; the round-robin state lives as long as the selector
 * (KumoMTA keeps one per scheduled queue). Thread-safe.
 *
 * <p>Example: weights one=5, two=2, three=3 give {@code two three one one one three one two
 * three one} and repeat (spec case 45).
 */
public final class PoolSelector {
  private final EgressPool pool;
  private final List<PoolEntry> weighted;
  private final WeightedRoundRobin wrr = new WeightedRoundRobin();

  private PoolSelector(EgressPool pool) {
    this.pool = pool;
    this.weighted = pool.entries().stream().filter(e -> e.weight() > 0).toList();
  }

  /** A selector for {@code pool}, with fresh round-robin state. */
  public static PoolSelector of(EgressPool pool) {
    return new PoolSelector(Objects.requireNonNull(pool, "pool"));
  }

  /**
   * How many picks one full weighted round-robin cycle over {@code pool} takes (the sum of the
   * weights over their greatest common divisor); 0 when no entry has a weight above 0.
   */
  public static long cycleLength(EgressPool pool) {
    return WeightedRoundRobin.cycleLength(pool.entries());
  }

  /** The pool this selector picks from. */
  public EgressPool pool() {
    return pool;
  }

  /**
   * This selector if {@code newPool} has the same name and the same ordered entries (so the
   * round-robin state carries on), otherwise a new selector (spec §7.2).
   */
  public PoolSelector refreshed(EgressPool newPool) {
    Objects.requireNonNull(newPool, "newPool");
    return newPool.name().equals(pool.name()) && newPool.entries().equals(pool.entries())
        ? this : new PoolSelector(newPool);
  }

  /** The next entry by weighted round robin, ignoring health; empty if no entry has weight. */
  public synchronized Optional<PoolEntry> next() {
    return Optional.ofNullable(wrr.next(weighted));
  }

  /**
   * Picks a source for {@code queue}, leaving out sources that {@code health} reports as
   * suspended (spec §7.4).
   *
   * @return {@link PoolSelection.Selected}; {@link PoolSelection.NoSources} when no entry has a
   *     positive weight; {@link PoolSelection.AllSuspended} with the earliest expiry when every
   *     such entry is suspended
   */
  public synchronized PoolSelection select(String queue, SourceHealth health) {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(health, "health");
    if (weighted.isEmpty()) {
      return new PoolSelection.NoSources(queue, pool.name());
    }
    List<PoolEntry> eligible = new ArrayList<>(weighted.size());
    Instant earliest = null;
    for (PoolEntry entry : weighted) {
      Optional<Instant> until = health.suspendedUntil(entry.name());
      if (until.isEmpty()) {
        eligible.add(entry);
      } else if (earliest == null || until.get().isBefore(earliest)) {
        earliest = until.get();
      }
    }
    if (eligible.isEmpty()) {
      return new PoolSelection.AllSuspended(queue, pool.name(), earliest);
    }
    return new PoolSelection.Selected(queue, pool.name(), wrr.next(eligible));
  }
}
