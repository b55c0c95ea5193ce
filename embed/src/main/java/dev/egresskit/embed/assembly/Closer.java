package dev.egresskit.embed.assembly;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Owns the resources an assembly creates (engines, connectors, registries) and closes them in
 * reverse order of registration. Closing twice does nothing; a resource that fails to close does
 * not stop the others from closing, and its failure is rethrown at the end.
 */
public final class Closer implements AutoCloseable {
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private boolean closed;

  /**
   * Registers {@code resource} to be closed by {@link #close()}.
   *
   * @return the resource
   * @throws IllegalStateException if this closer is already closed (the resource is closed)
   */
  public synchronized <T extends AutoCloseable> T register(T resource) {
    if (closed) {
      closeQuietly(resource);
      throw new IllegalStateException("already closed; closed " + resource + " right away");
    }
    resources.push(resource);
    return resource;
  }

  @Override
  public void close() {
    Deque<AutoCloseable> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayDeque<>(resources);
      resources.clear();
    }
    RuntimeException failure = null;
    for (AutoCloseable resource : toClose) {
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing " + resource + " failed: " + e, e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception ignored) {
      // Already failing the caller.
    }
  }
}
