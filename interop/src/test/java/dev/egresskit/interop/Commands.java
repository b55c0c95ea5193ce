package dev.egresskit.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short external commands ({@code ip}, {@code haproxy -c}, {@code curl}) with a bound. */
final class Commands {
  /** Enough for any {@code ip} or {@code haproxy -c} call, even on a loaded machine. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  private Commands() {}

  static CommandResult run(String... command) {
    return run(DEFAULT_TIMEOUT, List.of(command));
  }

  /**
   * Runs {@code command} to completion. Output goes to a temporary file rather than a pipe, so a
   * chatty command can never block on a full pipe while we wait for it.
   *
   * @throws IllegalStateException if it does not finish within {@code timeout} (it is killed)
   */
  static CommandResult run(Duration timeout, List<String> command) {
    return run(timeout, command, Path.of("/dev/null"));
  }

  /** Like {@link #run(Duration, List)}, with standard input read from {@code stdin}. */
  static CommandResult run(Duration timeout, List<String> command, Path stdin) {
    Path out = null;
    try {
      out = Files.createTempFile("egresskit-cmd", ".out");
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(stdin.toFile()))
          .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException("command did not finish within " + timeout + ": "
            + String.join(" ", command) + "\n" + Files.readString(out, StandardCharsets.UTF_8));
      }
      return new CommandResult(command, process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a leftover temporary file is harmless
        }
      }
    }
  }
}
