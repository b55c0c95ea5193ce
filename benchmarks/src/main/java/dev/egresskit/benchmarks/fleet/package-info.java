/**
 * The fleet simulation ({@code benchmarks/fleet}): eight nodes, each with its own resolver,
 * connector and source health, sending through our SOCKS5 proxy until it dies, with health shared
 * through a real {@code redis-server} or kept per node.
 */
package dev.egresskit.benchmarks.fleet;
