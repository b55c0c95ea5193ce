package dev.egresskit.fleet;

import dev.egresskit.core.health.HealthEvent;
import dev.egresskit.core.model.SuspendOnFailure;
import dev.egresskit.core.model.Trigger;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Threshold failures this node could not count in the shared window (Redis away or too slow, or
 * too many writes in flight), kept in a bounded queue and replayed later; a failure's id makes a
 * replay of one that did reach Redis count once. Immediate failures are not kept:
 * the suspension they caused is re-announced instead.
 */
final class PendingFailures {

  /**
   * A failure still to be counted fleet-wide.
   *
   * @param id     the failure's id in the shared window (counted once however often sent)
   * @param source the source name
   * @param event  the failure class
   * @param rule   the source's rule for it (a {@code Threshold} trigger)
   * @param at     when it happened
   */
  record Pending(String id, String source, HealthEvent event, SuspendOnFailure rule, Instant at) {
    Pending {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(at, "at");
      if (!(rule.trigger() instanceof Trigger.Threshold)) {
        throw new IllegalArgumentException("only threshold failures are kept: " + rule);
      }
    }

    Trigger.Threshold threshold() {
      return (Trigger.Threshold) rule.trigger();
    }

    /** Whether the failure still counts in its window at {@code now}. */
    boolean liveAt(Instant now) {
      return now.isBefore(at.plus(threshold().period()));
    }
  }

  private final int capacity;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private long dropped;

  PendingFailures(int capacity) {
    this.capacity = capacity;
  }

  /** Keeps {@code failure}; false (and counted as dropped) when the queue is full. */
  synchronized boolean offer(Pending failure) {
    if (queue.size() >= capacity) {
      dropped++;
      return false;
    }
    queue.addLast(failure);
    return true;
  }

  /** Removes every kept failure and returns, oldest first, those still inside their window. */
  synchronized List<Pending> drainLive(Instant now) {
    List<Pending> live = new ArrayList<>(queue.size());
    for (Pending p : queue) {
      if (p.liveAt(now)) {
        live.add(p);
      }
    }
    queue.clear();
    return live;
  }

  synchronized int size() {
    return queue.size();
  }

  synchronized long dropped() {
    return dropped;
  }
}
