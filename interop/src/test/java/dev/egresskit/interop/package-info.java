/**
 * Interoperability tests of EgressKit against real peers: postfix's {@code smtp-sink}, HAProxy
 * 2.6 with {@code accept-proxy} and {@code usesrc clientip}, {@code curl --socks5}, on loopback
 * and between two Linux network namespaces joined by a veth pair.
 *
 * <p>The harness starts every peer itself, by pid, on free ports, keeps its log under
 * {@code interop/target/peers/<test>/} and appends that log to any failing assertion. The tests
 * are {@code *IT} classes run by maven-failsafe in the {@code interop} profile
 * ({@code scripts/interop}).
 */
package dev.egresskit.interop;
