/**
 * The {@code egresskit} command: {@link dev.egresskit.cli.Main} (the only public entry point)
 * and the root command, which holds the global options and lists the subcommands. Each command
 * lives in the package of its feature ({@code demo}, {@code policy}, {@code probe}, {@code proxy},
 * {@code sink}, {@code bench}); they reach the root only through
 * {@link dev.egresskit.cli.run.CommandContext}, so the dependencies point one way.
 */
package dev.egresskit.cli;
