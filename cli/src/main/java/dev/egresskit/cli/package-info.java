/**
 * The {@code egresskit} command: picocli commands ({@code demo}, {@code resolve}, {@code check},
 * {@code probe}, {@code proxy}, {@code sink}), the Guice composition root that assembles core,
 * the policy bindings, transport, the proxy server and metrics, and the plug-in class path
 * ({@code --plugin DIR}). {@link dev.egresskit.cli.Main} is the only public entry point.
 */
package dev.egresskit.cli;
