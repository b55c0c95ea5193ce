package dev.egresskit.testkit.process;

import java.util.concurrent.TimeUnit;

/** Stopping the real peers (redis-server, postfix tools, HAProxy) that tests start. */
public final class Processes {
  private Processes() {}

  /**
   * Stops {@code process}: SIGTERM, then SIGKILL if it has not exited within five seconds. An
   * interrupt kills it at once and is kept for the caller.
   */
  public static void stop(Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
