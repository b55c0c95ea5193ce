package dev.egresskit.cli.output;

import java.io.PrintWriter;
import java.util.Objects;

/**
 * Where a run of the command writes, how it styles text, and how long-running commands are
 * stopped.
 *
 * @param out       normal output (tables, JSON)
 * @param err       diagnostics and errors
 * @param style     colour, only on a terminal
 * @param lifecycle start/stop signalling for {@code proxy} and {@code sink}
 */
public record Io(PrintWriter out, PrintWriter err, Style style, Lifecycle lifecycle) {
  public Io {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    Objects.requireNonNull(style, "style");
    Objects.requireNonNull(lifecycle, "lifecycle");
  }
}
