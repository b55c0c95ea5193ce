/**
 * Text on its way out of the process: {@link dev.egresskit.core.text.Printable} escapes what a
 * terminal or a log reader would otherwise interpret.
 */
package dev.egresskit.core.text;
