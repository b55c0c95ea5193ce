package dev.egresskit.cli.run;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Owns the closeable resources created during one run (event loops, servers, engines) and
 * closes them in reverse order of creation. Guice providers register what they create here, so
 * no singleton outlives the run.
 */
final class Closer implements AutoCloseable {
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  /** Registers {@code resource} to be closed with this closer and returns it. */
  synchronized <T extends AutoCloseable> T register(T resource) {
    resources.push(resource);
    return resource;
  }

  /** Closes everything registered, newest first; a failure does not stop the others. */
  @Override
  public void close() {
    RuntimeException first = null;
    while (true) {
      AutoCloseable next;
      synchronized (this) {
        next = resources.poll();
      }
      if (next == null) {
        break;
      }
      try {
        next.close();
      } catch (Exception e) {
        if (first == null) {
          first = new IllegalStateException("closing " + next + " failed: " + e, e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
