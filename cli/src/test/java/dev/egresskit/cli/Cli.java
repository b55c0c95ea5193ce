package dev.egresskit.cli;

import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.output.Lifecycle;
import dev.egresskit.cli.output.Style;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs the real command line in-process with captured output. */
final class Cli {
  private Cli() {}

  /**
   * The outcome of one run.
   *
   * @param exitCode the exit code
   * @param out      what went to standard output
   * @param err      what went to standard error
   */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  /** Runs a command to completion. */
  static Result run(String... args) {
    LineCapture out = new LineCapture();
    LineCapture err = new LineCapture();
    int code = Main.execute(new Io(new PrintWriter(out, true), new PrintWriter(err, true),
        Style.PLAIN, new Lifecycle()), args);
    return new Result(code, out.text(), err.text());
  }

  /** Starts a long-running command on its own thread. */
  static Background start(String... args) {
    return new Background(args);
  }

  /** A command running in the background until {@link #stop} is called. */
  static final class Background implements AutoCloseable {
    final Lifecycle lifecycle = new Lifecycle();
    final LineCapture out = new LineCapture();
    final LineCapture err = new LineCapture();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final Future<Integer> exit;

    Background(String... args) {
      Io io = new Io(new PrintWriter(out, true), new PrintWriter(err, true), Style.PLAIN,
          lifecycle);
      exit = executor.submit(() -> Main.execute(io, args));
    }

    /** Asks the command to stop and returns its outcome. */
    Result stop(Duration timeout) throws Exception {
      lifecycle.requestStop();
      int code = exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Result(code, out.text(), err.text());
    }

    /** The outcome of a command that ends by itself. */
    Result await(Duration timeout) throws Exception {
      int code = exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Result(code, out.text(), err.text());
    }

    @Override
    public void close() throws Exception {
      lifecycle.requestStop();
      executor.shutdown();
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
        throw new AssertionError("command did not stop within 10 s:\n" + err.text());
      }
    }
  }
}
