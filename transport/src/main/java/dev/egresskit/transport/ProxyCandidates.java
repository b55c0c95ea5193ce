package dev.egresskit.transport;

import dev.egresskit.core.grammar.IpLiterals;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The addresses a connection attempt tries, in order (spec §2.2d and §2.3). */
final class ProxyCandidates {
  private ProxyCandidates() {}

  /** Spec §2.2d: every A record first, then every AAAA, each in the resolver's order. */
  static List<InetSocketAddress> ordered(List<InetAddress> addresses, int port) {
    List<InetSocketAddress> ordered = new ArrayList<>(addresses.size());
    for (InetAddress a : addresses) {
      if (a instanceof Inet4Address) {
        ordered.add(new InetSocketAddress(a, port));
      }
    }
    for (InetAddress a : addresses) {
      if (!(a instanceof Inet4Address)) {
        ordered.add(new InetSocketAddress(a, port));
      }
    }
    return ordered;
  }

  /**
   * Spec §2.3: only candidates of the bound source address's family can be dialled from it.
   * Returns {@code resolved} itself when nothing is filtered out (the common, allocation-free case).
   */
  static List<InetSocketAddress> usableFrom(
      Optional<InetAddress> bind, List<InetSocketAddress> resolved) {
    if (bind.isEmpty()) {
      return resolved;
    }
    List<InetSocketAddress> usable = null;
    for (int i = 0; i < resolved.size(); i++) {
      InetSocketAddress c = resolved.get(i);
      boolean keep = IpLiterals.sameFamily(bind.get(), c.getAddress());
      if (!keep && usable == null) {
        usable = new ArrayList<>(resolved.subList(0, i));
      } else if (keep && usable != null) {
        usable.add(c);
      }
    }
    return usable == null ? resolved : usable;
  }

  /** Why no candidate is left to try. */
  static String noneUsable(String sourceName, String field, String server,
      Optional<InetAddress> bind, int resolvedCount) {
    return bind.isPresent() && resolvedCount > 0
        ? "source " + sourceName + ": no " + field + " candidates remain after filtering "
            + resolvedCount + " resolved address(es) to match source_address "
            + IpLiterals.format(bind.get()) + " family"
        : "source " + sourceName + ": " + field + " " + server
            + " resolved to no usable addresses";
  }
}
