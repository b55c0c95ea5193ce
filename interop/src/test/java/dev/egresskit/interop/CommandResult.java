package dev.egresskit.interop;

import java.util.List;

/**
 * The outcome of a finished external command.
 *
 * @param command  the command line
 * @param exitCode its exit status
 * @param output   standard output and standard error, interleaved
 */
record CommandResult(List<String> command, int exitCode, String output) {
  CommandResult {
    command = List.copyOf(command);
  }

  boolean succeeded() {
    return exitCode == 0;
  }

  /** Returns this result, or throws with the command's output when it failed. */
  CommandResult requireSuccess() {
    if (!succeeded()) {
      throw new IllegalStateException(
          "command failed with exit " + exitCode + ": " + String.join(" ", command) + "\n" + output);
    }
    return this;
  }
}
