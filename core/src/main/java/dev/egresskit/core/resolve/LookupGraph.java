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
 * <ul>
 *   <li>On one thread: each thread keeps the stack of keys it is loading; looking up a key that
 *       is already on it is a recursion error.</li>
 *   <li>Across threads: a load in flight is owned by one thread and other lookups of that key
 *       wait for it. Before a thread that owns loads starts a lookup, it records what it may
 *       wait for and follows the chain "key → owning thread → key that thread waits for → ...".
 *       Reaching itself means the wait could never end, so the lookup fails instead. Of two
 *       threads closing a cycle, the one that records its wait last sees the whole cycle.</li>
 * </ul>
 *
 * <p>A thread that is loading nothing cannot close a cycle (nobody waits for it), so its
 * lookups take a fast path with no bookkeeping.
 */
final class LookupGraph {
  /** Guards the chain walk; a real chain is as long as the number of busy threads. */
  private static final int MAX_CHAIN = 1024;

  private final ThreadLocal<List<String>> loading = ThreadLocal.withInitial(ArrayList::new);
  private final ConcurrentHashMap<String, Thread> owners = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Thread, String> waitingFor = new ConcurrentHashMap<>();

  /**
   * Runs {@code lookup} (which may wait for {@code key}'s load) unless that would close a cycle.
   *
   * @param key    what is looked up, as shown in messages, e.g. {@code get_egress_source 'a'}
   * @param prefix the error prefix for {@code key}, e.g. {@code get_egress_source 'a'}
   */
  <T> T lookup(String key, String prefix, Supplier<T> lookup) {
    List<String> stack = loading.get();
    if (stack.isEmpty()) {
      return lookup.get();
    }
    int at = stack.indexOf(key);
    if (at >= 0) {
      List<String> path = new ArrayList<>(stack.subList(at, stack.size()));
      path.add(key);
      throw new ResolutionException(
          prefix + ": recursive lookup: " + String.join(" -> ", path), null, null);
    }
    Thread me = Thread.currentThread();
    String previous = waitingFor.put(me, key);
    try {
      List<String> cycle = cycleBackTo(me, key);
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
        waitingFor.put(me, previous);
      } else {
        waitingFor.remove(me);
      }
    }
  }

  /** Runs {@code load} as the owner of {@code key}'s load on this thread. */
  <T> T loading(String key, Supplier<T> load) {
    Thread me = Thread.currentThread();
    List<String> stack = loading.get();
    owners.put(key, me);
    // While loading, this thread waits for nothing (until the load itself looks something up).
    String waited = waitingFor.remove(me);
    stack.add(key);
    try {
      return load.get();
    } finally {
      stack.remove(stack.size() - 1);
      owners.remove(key, me);
      if (waited != null) {
        waitingFor.put(me, waited);
      }
      if (stack.isEmpty()) {
        loading.remove();
      }
    }
  }

  /** The keys from {@code key} to one this thread is loading, or {@code null} if no cycle. */
  private List<String> cycleBackTo(Thread me, String key) {
    List<String> path = new ArrayList<>();
    Set<Thread> seen = new HashSet<>();
    String next = key;
    for (int i = 0; i < MAX_CHAIN; i++) {
      path.add(next);
      Thread owner = owners.get(next);
      if (owner == null || !seen.add(owner)) {
        return null;
      }
      if (owner == me) {
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
