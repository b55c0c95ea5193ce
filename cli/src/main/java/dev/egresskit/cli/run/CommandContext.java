package dev.egresskit.cli.run;

import dev.egresskit.cli.output.Io;
import java.util.Optional;

/**
 * What every subcommand gets from the root {@code egresskit} command it runs under: picocli
 * injects the root as each subcommand's {@code @ParentCommand} through this interface, so the
 * feature packages depend on it rather than on the root command (which lists them).
 */
public interface CommandContext {

  /** Where this invocation writes, how it styles text, and how a long-running command stops. */
  Io io();

  /** The parts assembled for this invocation, created on first use (after options are parsed). */
  default AssembledRun run() {
    return run(Optional.empty());
  }

  /**
   * As {@link #run()}, with the source health shared through the Redis at {@code sharedHealth}
   * ({@code --health}) when given.
   */
  AssembledRun run(Optional<String> sharedHealth);
}
