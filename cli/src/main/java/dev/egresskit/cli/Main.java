package dev.egresskit.cli;

import dev.egresskit.cli.output.BadInputException;
import dev.egresskit.cli.output.ExitCodes;
import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.output.JobFailedException;
import dev.egresskit.cli.output.Lifecycle;
import dev.egresskit.cli.output.Style;
import dev.egresskit.core.text.Printable;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.resolve.ResolutionException;
import dev.egresskit.core.spec.InvalidSpecException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * The entry point of the {@code egresskit} command.
 *
 * <p>{@link #main} runs a command and exits the JVM with its exit code (0 ok, 1 the job failed,
 * 2 bad usage or bad policy). {@link #run} runs a command in-process without exiting, with plain
 * (uncoloured) output, for tests and tools that embed the CLI.
 */
public final class Main {
  private Main() {}

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    if ("proxy".equals(commandName(args))) {
      // slf4j-simple reads levels when a logger is created: set this before any is.
      System.setProperty("org.slf4j.simpleLogger.log.dev.egresskit.proxy.connections", "info");
    }
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    Lifecycle lifecycle = new Lifecycle();
    CountDownLatch finished = new CountDownLatch(1);
    // Ctrl-C / SIGTERM: ask the running command to stop and give it a bounded time to close
    // its listeners before the JVM goes away: as long as the command said its stop may take (a
    // proxy lets open relays finish), or the JVM would halt mid-stop and lose what it writes last.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      lifecycle.requestStop();
      try {
        finished.await(lifecycle.stopTime().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "egresskit-shutdown"));
    int code;
    try {
      code = execute(new Io(out, err, Style.detect(), lifecycle), args);
    } finally {
      out.flush();
      err.flush();
      finished.countDown();
    }
    System.exit(code);
  }

  /** The subcommand named in {@code args} (the first word that is not a global option). */
  static String commandName(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--plugin")) {
        i++;
      } else if (!args[i].startsWith("-")) {
        return args[i];
      }
    }
    return null;
  }

  /**
   * Runs one command in-process and returns its exit code; output is plain text.
   *
   * @param out  where tables and JSON go
   * @param err  where errors and diagnostics go
   * @param args the command line, e.g. {@code "resolve", "--policy", "p.lua", "ip-1"}
   * @return 0 ok, 1 the job failed, 2 bad usage or bad policy
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return execute(new Io(out, err, Style.PLAIN, new Lifecycle()), args);
  }

  /** Runs one command with the given I/O and lifecycle, closing everything it opened. */
  static int execute(Io io, String... args) {
    EgressKitCommand root = new EgressKitCommand(io);
    try {
      return commandLine(root).execute(args);
    } finally {
      root.close();
      io.out().flush();
      io.err().flush();
    }
  }

  /** The configured picocli command line for {@code root}. */
  static CommandLine commandLine(EgressKitCommand root) {
    Io io = root.io();
    CommandLine cmd = new CommandLine(root);
    cmd.setOut(io.out());
    cmd.setErr(io.err());
    cmd.setColorScheme(CommandLine.Help.defaultColorScheme(io.style().enabled() ? Ansi.ON : Ansi.OFF));
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setParameterExceptionHandler((ex, argv) -> {
      CommandLine failed = ex.getCommandLine();
      io.err().println(io.style().red("error: ") + Printable.escapeKeepingLines(ex.getMessage()));
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, io.err());
      io.err().println("Run '" + failed.getCommandSpec().qualifiedName() + " --help' for usage.");
      return ExitCodes.BAD_INPUT;
    });
    cmd.setExecutionExceptionHandler((ex, failed, parseResult) -> report(io, ex));
    return cmd;
  }

  /** Prints one clear message for a failure and maps it to an exit code. */
  static int report(Io io, Throwable failure) {
    if (isBadInput(failure)) {
      io.err().println(io.style().red("error: ") + Printable.escapeKeepingLines(failure.getMessage()));
      return ExitCodes.BAD_INPUT;
    }
    if (failure instanceof JobFailedException) {
      io.err().println(io.style().red("failed: ") + Printable.escapeKeepingLines(failure.getMessage()));
      return ExitCodes.JOB_FAILED;
    }
    io.err().println(io.style().red("internal error: ") + Printable.escapeKeepingLines(failure.toString()));
    failure.printStackTrace(io.err());
    return ExitCodes.JOB_FAILED;
  }

  /** Failures that mean the user's input (arguments or policy) is wrong. */
  static boolean isBadInput(Throwable failure) {
    return failure instanceof BadInputException
        || failure instanceof PolicyException
        || failure instanceof InvalidSpecException
        || failure instanceof ResolutionException;
  }
}
