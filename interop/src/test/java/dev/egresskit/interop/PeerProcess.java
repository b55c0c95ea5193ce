package dev.egresskit.interop;

import dev.egresskit.testkit.process.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real peer (smtp-sink, haproxy, a JVM in a namespace) run as a child process. Its standard
 * output and error go straight to a log file, which is the evidence the tests read and what a
 * failing assertion prints. It is stopped by its own pid, never by name.
 */
final class PeerProcess implements AutoCloseable {
  /** How long to wait between two readiness or log checks. */
  static final Duration POLL_STEP = Duration.ofMillis(20);
  /** The longest a peer may take to start listening; smtp-sink and haproxy need milliseconds. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(15);

  private final String name;
  private final List<String> command;
  private final Process process;
  private final Path log;

  private PeerProcess(String name, List<String> command, Process process, Path log) {
    this.name = name;
    this.command = List.copyOf(command);
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command}; its output is written to {@code log} (created or truncated). */
  static PeerProcess start(String name, List<String> command, Path log) {
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, "");
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      return new PeerProcess(name, command, process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The whole log as it is now. */
  String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(log " + log + " unreadable: " + e + ")";
    }
  }

  /**
   * Waits until {@code address} accepts a connection made through {@code reachability}.
   *
   * @throws IllegalStateException with the peer's log if it exits or the deadline passes first
   */
  void awaitListening(InetSocketAddress address, Reachability reachability, Duration timeout) {
    awaitValue("listening on " + address, timeout,
        ignored -> reachability.accepts(address) ? Optional.of(Boolean.TRUE) : Optional.empty());
  }

  /**
   * Waits until {@code probe}, applied to the current log text, finds something.
   *
   * @param what    what is awaited, for the error message
   * @param timeout the bound on the whole wait
   * @param probe   looks at the log and returns a value once the awaited thing happened
   * @throws IllegalStateException with the peer's log if the deadline passes first
   */
  <T> T awaitLog(String what, Duration timeout, Function<String, Optional<T>> probe) {
    return awaitValue(what, timeout, probe);
  }

  private <T> T awaitValue(String what, Duration timeout, Function<String, Optional<T>> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean wasAlive = process.isAlive();
      Optional<T> found = probe.apply(logText());
      if (found.isPresent()) {
        return found.get();
      }
      if (!wasAlive) {
        throw new IllegalStateException(name + " exited with status " + process.exitValue()
            + " before " + what + "\n" + describe());
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new IllegalStateException(name + " not " + what + " within " + timeout + "\n"
            + describe());
      }
      pause();
    }
  }

  /**
   * Waits one poll step, on the peer itself: returns early if it dies, which the caller then
   * reports. This is a bounded wait for an external event, not a timing assumption.
   */
  private void pause() {
    try {
      process.waitFor(POLL_STEP.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name, e);
    }
  }

  /** The peer's name, pid, command and full log: what a failure report needs. */
  String describe() {
    return "--- " + name + " (pid " + pid() + ", " + (isAlive() ? "running" : "exited")
        + "), command: " + printable(command) + "\n--- log " + log + ":\n" + logText()
        + "--- end of " + name + " log";
  }

  /** The command line with very long arguments (a class path) shortened for reports. */
  private static String printable(List<String> command) {
    return command.stream()
        .map(arg -> arg.length() <= 200 ? arg : "<" + arg.length() + " characters>")
        .collect(java.util.stream.Collectors.joining(" "));
  }

  /**
   * Waits up to {@code timeout} for the process to exit by itself and returns its exit status.
   *
   * @throws IllegalStateException with its log if it is still running (it is then killed)
   */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        throw new IllegalStateException(name + " did not finish within " + timeout + "\n"
            + describe());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name, e);
    }
  }

  /** Stops the peer: SIGTERM, then SIGKILL if it has not exited within five seconds. */
  @Override
  public void close() {
    Processes.stop(process);
  }
}
