package dev.egresskit.interop;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two real hosts on one machine: two Linux network namespaces joined by a veth pair.
 *
 * <pre>
 *  sink namespace                          egress namespace
 *  10.200.0.1/24   fd00:200::1/64  &lt;veth&gt;  10.200.0.2-4/24  fd00:200::2-4/64
 *  (smtp-sink)                             (EgressKit, the SOCKS5 proxy, HAProxy)
 * </pre>
 *
 * <p>The addresses exist only inside these two namespaces (10.200.0.0/24 and the unique-local
 * fd00:200::/64), so they collide with nothing on the machine and no packet leaves it. Every
 * name carries the creating pid and a random tag; {@link #close()} deletes both namespaces,
 * which also destroys the veth pair. Namespaces left by a test JVM that was killed are removed
 * by the next {@link #create}, recognised by their name and the dead pid in it.
 *
 * <p>IPv6 addresses are added with {@code nodad}: duplicate address detection would keep them
 * "tentative", unusable for {@code bind}, for a second or two after creation.
 */
final class NetnsLab implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NetnsLab.class);
  private static final Pattern OURS = Pattern.compile("^(ekit-(\\d+)-[0-9a-f]{6}-(sink|egress))\\b");

  static final InetAddress SINK_V4 = ip("10.200.0.1");
  static final InetAddress SINK_V6 = ip("fd00:200::1");
  /** The egress namespace's primary IPv4 address: what the kernel picks when nothing is bound. */
  static final InetAddress EGRESS_V4_PRIMARY = ip("10.200.0.2");
  static final InetAddress EGRESS_V4_A = ip("10.200.0.3");
  static final InetAddress EGRESS_V4_B = ip("10.200.0.4");
  static final InetAddress EGRESS_V6_PRIMARY = ip("fd00:200::2");
  static final InetAddress EGRESS_V6_A = ip("fd00:200::3");
  static final InetAddress EGRESS_V6_B = ip("fd00:200::4");
  /** On the link's subnet, routable, but configured nowhere: binding it is EADDRNOTAVAIL. */
  static final InetAddress UNPLUMBED_V4 = ip("10.200.0.77");
  static final InetAddress UNPLUMBED_V6 = ip("fd00:200::77");
  /** The only networks a test packet may carry as source or destination. */
  static final List<String> NETWORKS = List.of("10.200.0.0/24", "fd00:200::/64");

  private final String sinkNs;
  private final String egressNs;
  private String sinkVeth;
  private String egressVeth;
  /** One place per namespace, so one port counter per namespace. */
  private final Place sinkPlace;
  private final Place egressPlace;
  private boolean closed;

  private NetnsLab(String sinkNs, String egressNs) {
    this.sinkNs = sinkNs;
    this.egressNs = egressNs;
    this.sinkPlace = Place.namespace("sinkns", sinkNs, reachableFrom(egressNs));
    this.egressPlace = Place.namespace("egressns", egressNs, reachableFrom(egressNs));
  }

  /**
   * Creates and wires both namespaces.
   *
   * @throws NotPermitted when this process may not create network namespaces (not root, or a
   *                      container without CAP_SYS_ADMIN): the only reason to skip these tests
   * @throws IllegalStateException when anything else goes wrong (after removing what was made)
   */
  static NetnsLab create() throws NotPermitted {
    removeLeftovers();
    String tag = HexFormat.of().toHexDigits((byte) ThreadLocalRandom.current().nextInt())
        + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    String prefix = "ekit-" + ProcessHandle.current().pid() + "-" + tag;
    NetnsLab lab = new NetnsLab(prefix + "-sink", prefix + "-egress");
    CommandResult first = Commands.run("ip", "netns", "add", lab.sinkNs);
    if (!first.succeeded()) {
      if (isNotPermitted(first)) {
        throw new NotPermitted("`ip netns add` is not permitted here (user "
            + System.getProperty("user.name") + "): " + first.output().strip());
      }
      first.requireSuccess();
    }
    try {
      lab.wire("ek" + tag + "s", "ek" + tag + "e");
      LOG.info("created network namespaces {} and {}", lab.sinkNs, lab.egressNs);
      return lab;
    } catch (RuntimeException e) {
      try {
        lab.close();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * Whether a failed {@code ip netns add} failed for lack of privilege (EPERM/EACCES from the
   * mount or unshare it performs), as opposed to any other error, which must fail the tests.
   */
  static boolean isNotPermitted(CommandResult result) {
    return !result.succeeded() && (result.output().contains("Operation not permitted")
        || result.output().contains("Permission denied"));
  }

  private void wire(String sinkVeth, String egressVeth) {
    this.sinkVeth = sinkVeth;
    this.egressVeth = egressVeth;
    Commands.run("ip", "netns", "add", egressNs).requireSuccess();
    // Created directly inside the namespaces: the pair never exists in the host's namespace.
    Commands.run("ip", "link", "add", sinkVeth, "netns", sinkNs, "type", "veth",
        "peer", "name", egressVeth, "netns", egressNs).requireSuccess();
    configure(sinkNs, sinkVeth, List.of(SINK_V4), List.of(SINK_V6));
    configure(egressNs, egressVeth, List.of(EGRESS_V4_PRIMARY, EGRESS_V4_A, EGRESS_V4_B),
        List.of(EGRESS_V6_PRIMARY, EGRESS_V6_A, EGRESS_V6_B));
  }

  private static void configure(String ns, String dev, List<InetAddress> v4,
      List<InetAddress> v6) {
    Commands.run("ip", "-n", ns, "link", "set", "lo", "up").requireSuccess();
    for (InetAddress address : v4) {
      Commands.run("ip", "-n", ns, "addr", "add", address.getHostAddress() + "/24", "dev", dev)
          .requireSuccess();
    }
    for (InetAddress address : v6) {
      Commands.run("ip", "-n", ns, "addr", "add", address.getHostAddress() + "/64", "dev", dev,
          "nodad").requireSuccess();
    }
    Commands.run("ip", "-n", ns, "link", "set", dev, "up").requireSuccess();
  }

  /**
   * Adds an address (with its prefix, e.g. {@code 169.254.77.1/16}) to the veth end of the sink
   * or the egress namespace: for tests that need more than the lab's own networks, such as a
   * link-local destination. The address exists only inside that namespace.
   */
  void addAddress(boolean sinkSide, String cidr) {
    Commands.run("ip", "-n", sinkSide ? sinkNs : egressNs, "addr", "add", cidr, "dev",
        sinkSide ? sinkVeth : egressVeth).requireSuccess();
  }

  String sinkNamespace() {
    return sinkNs;
  }

  String egressNamespace() {
    return egressNs;
  }

  /** Peers started here run in the sink namespace and are checked from the egress namespace. */
  Place sinkPlace() {
    return sinkPlace;
  }

  /** Peers started here run in the egress namespace and are checked from there. */
  Place egressPlace() {
    return egressPlace;
  }

  /**
   * A connection attempt made from inside {@code ns}: bash's {@code /dev/tcp} run with
   * {@code ip netns exec}, since the test JVM itself stays in the host's namespace.
   */
  private static Reachability reachableFrom(String ns) {
    return address -> Commands.run(Duration.ofSeconds(3), List.of("ip", "netns", "exec", ns,
        "bash", "-c", "exec 3<>/dev/tcp/" + address.getAddress().getHostAddress() + "/"
            + address.getPort())).succeeded();
  }

  /**
   * The source address the kernel of the egress namespace picks toward {@code destination} when
   * nothing is bound ({@code ip route get}). Tests choose their explicit source addresses
   * different from it, so a source that was silently ignored cannot pass for one that worked.
   */
  InetAddress kernelSourceToward(InetAddress destination) {
    String output = Commands.run("ip", "-n", egressNs, "route", "get",
        destination.getHostAddress()).requireSuccess().output();
    Matcher src = Pattern.compile("\\bsrc (\\S+)").matcher(output);
    if (!src.find()) {
      throw new IllegalStateException("no src in `ip route get`: " + output);
    }
    return ip(src.group(1));
  }

  /** The addresses configured in {@code ns}, as {@code ip -brief addr} prints them. */
  String addresses(String ns) {
    return Commands.run("ip", "-n", ns, "-brief", "addr", "show").requireSuccess().output();
  }

  /** Whether a namespace of this name exists now. */
  static boolean exists(String ns) {
    return namespaces().contains(ns);
  }

  /** Deletes both namespaces (and with them the veth pair). Safe to call twice. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> failures = new ArrayList<>();
    for (String ns : List.of(egressNs, sinkNs)) {
      if (exists(ns)) {
        CommandResult deleted = Commands.run("ip", "netns", "del", ns);
        if (!deleted.succeeded()) {
          failures.add(ns + ": " + deleted.output().strip());
        }
      }
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("could not delete network namespaces: " + failures);
    }
    LOG.info("deleted network namespaces {} and {}", sinkNs, egressNs);
  }

  private static List<String> namespaces() {
    List<String> names = new ArrayList<>();
    for (String line : Commands.run("ip", "netns", "list").requireSuccess().output().lines()
        .toList()) {
      String[] words = line.trim().split("\\s+");
      if (!words[0].isEmpty()) {
        names.add(words[0]);
      }
    }
    return names;
  }

  /** Deletes our namespaces whose creating JVM is gone (killed before it could clean up). */
  private static void removeLeftovers() {
    CommandResult list = Commands.run("ip", "netns", "list");
    if (!list.succeeded()) {
      return;
    }
    for (String line : list.output().lines().toList()) {
      Matcher m = OURS.matcher(line.trim());
      if (m.find() && ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) {
        LOG.info("removing leftover network namespace {}", m.group(1));
        Commands.run("ip", "netns", "del", m.group(1));
      }
    }
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  /** This process may not create network namespaces. */
  static final class NotPermitted extends Exception {
    private static final long serialVersionUID = 1L;

    NotPermitted(String reason) {
      super(reason);
    }
  }
}
