/**
 * {@code egresskit proxy}: runs the KumoProxy-compatible SOCKS5 server, and
 * {@code proxy hash-password} for its users file.
 */
package dev.egresskit.cli.proxy;
