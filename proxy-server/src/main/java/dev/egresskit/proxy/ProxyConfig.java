package dev.egresskit.proxy;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * The validated settings every connection of one server reads.
 *
 * @param authenticator decides RFC 1929 attempts, or null when none is configured (every
 *     attempt fails)
 * @param requireAuth whether a client that does not offer username/password is refused
 * @param sources the networks a client may BIND as its source, or null for any
 * @param ports the destination ports a client may CONNECT to, or null for any
 * @param destinations which destination addresses a client may CONNECT to
 * @param timeouts the per-phase timeouts
 */
record ProxyConfig(
    ProxyAuthenticator authenticator,
    boolean requireAuth,
    List<Cidr> sources,
    Set<Integer> ports,
    DestinationRule destinations,
    ProxyTimeouts timeouts) {

  boolean sourceAllowed(InetAddress address) {
    return sources == null || sources.stream().anyMatch(c -> c.contains(address));
  }

  boolean portAllowed(int port) {
    return ports == null || ports.contains(port);
  }
}
