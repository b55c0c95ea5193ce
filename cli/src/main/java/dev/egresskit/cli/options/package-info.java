/**
 * Option types shared by several commands: the policy options, and converters for durations and
 * listen/destination addresses as given on the command line.
 */
package dev.egresskit.cli.options;
