package dev.egresskit.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A child process's standard error, read line by line to its end on a thread of its own, so a
 * test can wait for a line while the process runs and see every line after it exits. A failed
 * read becomes a line starting {@code "read failed"}, for the test to assert on.
 *
 * <p>Stop the process with {@code process.toHandle().destroy()} (SIGTERM only), not {@code
 * Process.destroy()}: OpenJDK's also closes the parent's ends of the child's pipes, and what the
 * child writes while it stops is then lost here.
 */
final class StderrLines {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private StderrLines(Process process) {
    reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("read failed: " + e);
      }
    }, "child-stderr");
    reader.start();
  }

  /** Starts reading {@code process}'s standard error. */
  static StderrLines follow(Process process) {
    return new StderrLines(process);
  }

  /** The lines read so far (a live, thread-safe view). */
  List<String> lines() {
    return lines;
  }

  /** Waits at most {@code bound} for the end of the stream; whether it was reached. */
  boolean awaitEnd(Duration bound) throws InterruptedException {
    reader.join(bound.toMillis());
    return !reader.isAlive();
  }
}
