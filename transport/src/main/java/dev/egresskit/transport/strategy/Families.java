package dev.egresskit.transport.strategy;

import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.model.EgressSource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/** Spec §2.2c: the address family of a configured source must match the destination's. */
final class Families {
  private Families() {}

  static Optional<String> check(
      EgressSource source, String field, InetAddress address, InetSocketAddress destination) {
    if (IpLiterals.sameFamily(address, destination.getAddress())) {
      return Optional.empty();
    }
    return Optional.of("Skipping " + source.name() + " because " + field + " "
        + IpLiterals.format(address) + " address family does not match the destination address "
        + "family " + IpLiterals.format(destination));
  }
}
