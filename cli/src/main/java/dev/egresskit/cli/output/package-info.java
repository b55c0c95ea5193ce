/**
 * What a command shows and how it ends: where it writes ({@link dev.egresskit.cli.output.Io}),
 * styling, tables, JSON lines, time and route text, failure lines, exit codes and the exceptions
 * that map to them, and the start/stop signalling of long-running commands.
 */
package dev.egresskit.cli.output;
