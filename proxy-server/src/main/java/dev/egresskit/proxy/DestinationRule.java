package dev.egresskit.proxy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Which destinations a CONNECT may reach, besides the port allow-list. A proxy that listens
 * beyond loopback refuses, unless told otherwise, destinations on the proxy's own machine and
 * link: loopback ({@code 127.0.0.0/8}, {@code ::1}), unspecified ({@code 0.0.0.0/8},
 * {@code ::}, which reach the machine itself), link-local ({@code 169.254.0.0/16} — cloud
 * metadata services live there — and {@code fe80::/10}), every address of the machine's
 * interfaces when the server started (so the proxy cannot dial itself, or a metrics port, on a
 * public address), and the IPv4-mapped and IPv4-compatible IPv6 forms of all of these.
 * KumoProxy refuses none of them.
 */
final class DestinationRule {

  private static final DestinationRule ANY = new DestinationRule(false, Set.of());

  private final boolean refuseLocal;
  private final Set<InetAddress> own;

  private DestinationRule(boolean refuseLocal, Set<InetAddress> own) {
    this.refuseLocal = refuseLocal;
    this.own = own;
  }

  /** Every destination allowed (KumoProxy's behaviour). */
  static DestinationRule any() {
    return ANY;
  }

  /** Local destinations refused: the classes above plus the given addresses of this machine. */
  static DestinationRule refuseLocal(Collection<InetAddress> ownAddresses) {
    Set<InetAddress> own = new HashSet<>();
    for (InetAddress address : ownAddresses) {
      own.add(Addresses.normalize(address));
    }
    return new DestinationRule(true, Set.copyOf(own));
  }

  /** The addresses of every interface of this machine, as they are now. */
  static Set<InetAddress> machineAddresses() {
    Set<InetAddress> addresses = new HashSet<>();
    try {
      for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
        nif.inetAddresses().forEach(a -> addresses.add(withoutScope(a)));
      }
    } catch (SocketException e) {
      throw new IllegalStateException("cannot list this machine's addresses: " + e.getMessage(), e);
    }
    return addresses;
  }

  boolean refusesLocal() {
    return refuseLocal;
  }

  /** Why the destination is refused, or null when it is allowed. */
  String refusal(InetAddress destination) {
    if (!refuseLocal) {
      return null;
    }
    InetAddress address = Addresses.normalize(withoutScope(destination));
    if (address.isLoopbackAddress()) {
      return "loopback destination";
    }
    if (address.isAnyLocalAddress() || zeroNetwork(address)) {
      return "unspecified destination (reaches this machine)";
    }
    if (address.isLinkLocalAddress()) {
      return "link-local destination";
    }
    if (own.contains(address)) {
      return "destination is an address of the proxy's own machine";
    }
    return null;
  }

  private static boolean zeroNetwork(InetAddress address) {
    return address instanceof Inet4Address && address.getAddress()[0] == 0;
  }

  /** The address without an IPv6 scope id, so fe80::1%eth0 and fe80::1 compare equal. */
  private static InetAddress withoutScope(InetAddress address) {
    try {
      return InetAddress.getByAddress(address.getAddress());
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("an address's own bytes are always valid", e);
    }
  }
}
