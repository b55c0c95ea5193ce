/**
 * {@code egresskit sink}: runs the SMTP sink (optionally PROXY-aware) and prints each session it
 * records.
 */
package dev.egresskit.cli.sink;
