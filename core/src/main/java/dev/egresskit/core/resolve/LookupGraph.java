package dev.egresskit.core.resolve;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Detects lookup cycles ({@code A}'s handler looks up {@code B}, whose handler looks up
 * {@code A}) before they turn into a deadlock or a stack overflow.
 *
 * <p>The unit is a {@link Flow}: one top-level lookup and every lookup its handlers make
 * through the {@link dev.egresskit.core.policy.SourceLookup} they were given, on whatever
 * thread the engine runs them (an engine may run handlers on worker threads to enforce a
 * deadline). A flow is sequential: it loads a stack of keys and waits for at most one key at a
 * time.
 *
 * <ul>
 *   <li>Within a flow: looking up a key the flow is already loading is a recursion error.</li>
 *   <li>Across flows: a load in flight is owned by one flow and other lookups of that key wait
 *       for it. Before a flow that owns loads starts a lookup, it records what it may wait for
 *       and follows the chain "key → owning flow → key that flow waits for → ...". Reaching
 *       itself means the wait could never end, so the lookup fails instead. Of two flows
 *       closing a cycle, the one that records its wait last sees the whole cycle.</li>
 * </ul>
 *
 * <p>A lookup that belongs to no load (a top-level call) cannot close a cycle, since nobody
 * waits for it, so it takes a fast path with no bookkeeping.
 */
final class LookupGraph {
  /** Guards the chain walk; a real chain is as long as the number of busy flows. */
  private static final int MAX_CHAIN = 1024;

  /** One top-level lookup and the nested lookups of its handlers. */
  static final class Flow {
    private final List<String> loading = new ArrayList<>();

    synchronized boolean idle() {
      return loading.isEmpty();
    }

    private synchronized List<String> snapshot() {
      return new ArrayList<>(loading);
    }

    private synchronized void push(String key) {
      loading.add(key);
    }

    private synchronized void pop() {
      loading.remove(loading.size() - 1);
    }
  }

  /** The flow whose load is running on this thread, for lookups made without a flow. */
  private final ThreadLocal<Flow> current = new ThreadLocal<>();
  private final ConcurrentHashMap<String, Flow> owners = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Flow, String> waitingFor = new ConcurrentHashMap<>();

  /** The flow of a load running on this thread, or {@code null} for a top-level call. */
  Flow callerFlow() {
    return current.get();
  }

  /**
   * Runs {@code lookup} (which may wait for {@code key}'s load) for {@code flow}, unless that
   * would close a cycle.
   *
   * @param flow   the caller's flow, {@code null} for a top-level call
   * @param key    what is looked up, as shown in messages, e.g. {@code get_egress_source 'a'}
   * @param prefix the error prefix for {@code key}
   */
  <T> T lookup(Flow flow, String key, String prefix, Supplier<T> lookup) {
    if (flow == null || flow.idle()) {
      return lookup.get();
    }
    List<String> stack = flow.snapshot();
    int at = stack.indexOf(key);
    if (at >= 0) {
      List<String> path = new ArrayList<>(stack.subList(at, stack.size()));
      path.add(key);
      throw new ResolutionException(
          prefix + ": recursive lookup: " + String.join(" -> ", path), null, null);
    }
    String previous = waitingFor.put(flow, key);
    try {
      List<String> cycle = cycleBackTo(flow, key);
      if (cycle != null) {
        // From the key of ours the cycle ends at, through our own stack, then the others' waits.
        String ours = cycle.get(cycle.size() - 1);
        List<String> path = new ArrayList<>(stack.subList(stack.indexOf(ours), stack.size()));
        path.addAll(cycle);
        throw new ResolutionException(prefix + ": lookup cycle across threads: "
            + String.join(" -> ", path) + " (each waits for the next to finish loading)",
            null, null);
      }
      return lookup.get();
    } finally {
      if (previous != null) {
        waitingFor.put(flow, previous);
      } else {
        waitingFor.remove(flow);
      }
    }
  }

  /** Runs {@code load} on this thread as {@code flow}'s load of {@code key}. */
  <T> T loading(Flow flow, String key, Supplier<T> load) {
    owners.put(key, flow);
    // While it loads, the flow waits for nothing (until the load itself looks something up).
    String waited = waitingFor.remove(flow);
    flow.push(key);
    Flow outer = current.get();
    current.set(flow);
    try {
      return load.get();
    } finally {
      // set(null) rather than remove(): the thread's map entry stays, so the next load on this
      // thread allocates none (this runs on every cache miss).
      current.set(outer);
      flow.pop();
      owners.remove(key, flow);
      if (waited != null) {
        waitingFor.put(flow, waited);
      }
    }
  }

  /** The keys from {@code key} to one {@code flow} is loading, or {@code null} if no cycle. */
  private List<String> cycleBackTo(Flow flow, String key) {
    List<String> path = new ArrayList<>();
    Set<Flow> seen = new HashSet<>();
    String next = key;
    for (int i = 0; i < MAX_CHAIN; i++) {
      path.add(next);
      Flow owner = owners.get(next);
      if (owner == null || !seen.add(owner)) {
        return null;
      }
      if (owner == flow) {
        return path;
      }
      next = waitingFor.get(owner);
      if (next == null) {
        return null;
      }
    }
    return null;
  }
}
