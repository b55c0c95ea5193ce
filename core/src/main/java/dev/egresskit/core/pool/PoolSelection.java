package dev.egresskit.core.pool;

import dev.egresskit.core.model.PoolEntry;
import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of picking a source from a pool for a queue (spec §7.4, §7.5).
 * {@link #description()} is KumoMTA's text for the outcome.
 */
public sealed interface PoolSelection
    permits PoolSelection.Selected, PoolSelection.NoSources, PoolSelection.AllSuspended {

  /** The text KumoMTA uses for this outcome (without the SMTP code for the failures). */
  String description();

  /**
   * A source was picked.
   *
   * @param queue the scheduled queue name
   * @param pool  the pool name
   * @param entry the chosen entry
   */
  record Selected(String queue, String pool, PoolEntry entry) implements PoolSelection {
    public Selected {
      Objects.requireNonNull(queue, "queue");
      Objects.requireNonNull(pool, "pool");
      Objects.requireNonNull(entry, "entry");
    }

    /** The chosen source's name. */
    public String sourceName() {
      return entry.name();
    }

    /** {@code selected source 'S' for Q pool=`P`}. */
    @Override
    public String description() {
      return "selected source '" + entry.name() + "' for " + queue + " pool=`" + pool + "`";
    }
  }

  /**
   * The pool has no entry of positive weight (KumoMTA's {@code NoSources}; spec case 49).
   *
   * @param queue the scheduled queue name
   * @param pool  the pool name
   */
  record NoSources(String queue, String pool) implements PoolSelection {
    public NoSources {
      Objects.requireNonNull(queue, "queue");
      Objects.requireNonNull(pool, "pool");
    }

    /** {@code no sources available for Q pool=`P`}. */
    @Override
    public String description() {
      return "no sources available for " + queue + " pool=`" + pool + "`";
    }

    /** The transient failure KumoMTA records: {@code 451 4.4.4 KumoMTA internal: ...}. */
    public String response() {
      return "451 4.4.4 KumoMTA internal: " + description();
    }
  }

  /**
   * Every entry of positive weight is auto-suspended (KumoMTA's {@code Delay}; spec case 50).
   * KumoMTA computes the earliest expiry and then ignores it; it is kept here.
   *
   * @param queue the scheduled queue name
   * @param pool  the pool name
   * @param until when the earliest suspension ends
   */
  record AllSuspended(String queue, String pool, Instant until) implements PoolSelection {
    public AllSuspended {
      Objects.requireNonNull(queue, "queue");
      Objects.requireNonNull(pool, "pool");
      Objects.requireNonNull(until, "until");
    }

    /** {@code no sources for Q pool=`P` are eligible for selection at this time}. */
    @Override
    public String description() {
      return "no sources for " + queue + " pool=`" + pool
          + "` are eligible for selection at this time";
    }

    /** The transient failure KumoMTA records: {@code 451 4.4.4 KumoMTA internal: ...}. */
    public String response() {
      return "451 4.4.4 KumoMTA internal: " + description();
    }
  }
}
