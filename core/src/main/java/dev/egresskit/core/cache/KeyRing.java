package dev.egresskit.core.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The keys of a cache in an array, so that eviction can sample a few at random the way
 * KumoMTA's {@code lruttl} does. Not thread-safe: the cache guards it with its write lock.
 */
final class KeyRing {
  private final List<String> keys = new ArrayList<>();
  private final Map<String, Integer> slots = new HashMap<>();

  int size() {
    return keys.size();
  }

  void add(String key) {
    if (slots.putIfAbsent(key, keys.size()) == null) {
      keys.add(key);
    }
  }

  void remove(String key) {
    Integer slot = slots.remove(key);
    if (slot == null) {
      return;
    }
    String last = keys.remove(keys.size() - 1);
    if (slot < keys.size()) {
      keys.set(slot, last);
      slots.put(last, slot);
    }
  }

  void clear() {
    keys.clear();
    slots.clear();
  }

  List<String> all() {
    return List.copyOf(keys);
  }

  /** Up to {@code count} distinct keys picked at random, never {@code excluded}. */
  List<String> sample(int count, String excluded) {
    List<String> picked = new ArrayList<>(count);
    if (keys.size() <= count + 1) {
      for (String key : keys) {
        if (!key.equals(excluded)) {
          picked.add(key);
        }
      }
      return picked;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int tries = 0; picked.size() < count && tries < count * 4; tries++) {
      String key = keys.get(random.nextInt(keys.size()));
      if (!key.equals(excluded) && !picked.contains(key)) {
        picked.add(key);
      }
    }
    return picked;
  }
}
