package dev.egresskit.proxy;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * The validated settings every connection of one server reads.
 *
 * @param credentials the users, or null when none are configured (every RFC 1929 attempt fails)
 * @param requireAuth whether a client that does not offer username/password is refused
 * @param sources the networks a client may BIND as its source, or null for any
 * @param ports the destination ports a client may CONNECT to, or null for any
 * @param timeouts the per-phase timeouts
 */
record ProxyConfig(
    ProxyCredentials credentials,
    boolean requireAuth,
    List<Cidr> sources,
    Set<Integer> ports,
    ProxyTimeouts timeouts) {

  boolean sourceAllowed(InetAddress address) {
    return sources == null || sources.stream().anyMatch(c -> c.contains(address));
  }

  boolean portAllowed(int port) {
    return ports == null || ports.contains(port);
  }
}
