package dev.egresskit.interop;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A running HAProxy 2.6, the real PROXY protocol v2 receiver, with two frontends that both
 * {@code accept-proxy}:
 * <ul>
 *   <li>{@code fe_fixed} consumes the header and forwards to one fixed SMTP server;
 *   <li>{@code fe_usesrc} is KumoMTA's deployment: it dials the header's destination
 *       ({@code server 0.0.0.0}) from the header's source ({@code source 0.0.0.0 usesrc
 *       clientip}). Two {@code reject} guards refuse any header whose source or destination
 *       lies outside the networks the test owns, so a wrong header can never dial out.
 * </ul>
 */
final class HaproxyPeer {
  /** HAProxy logs a TCP session when it ends; this bounds the wait for that line. */
  static final Duration LOG_TIMEOUT = Duration.ofSeconds(10);

  private final PeerProcess process;
  private final InetSocketAddress fixedFrontend;
  private final InetSocketAddress usesrcFrontend;

  HaproxyPeer(PeerProcess process, InetSocketAddress fixedFrontend,
      InetSocketAddress usesrcFrontend) {
    this.process = process;
    this.fixedFrontend = fixedFrontend;
    this.usesrcFrontend = usesrcFrontend;
  }

  /**
   * The configuration file's text.
   *
   * @param fixedFrontend   where {@code fe_fixed} listens
   * @param usesrcFrontend  where {@code fe_usesrc} listens
   * @param fixedServer     the SMTP server behind {@code fe_fixed}
   * @param allowedNetworks the only networks (CIDR) a header's source and destination may be in
   */
  static String config(InetSocketAddress fixedFrontend, InetSocketAddress usesrcFrontend,
      InetSocketAddress fixedServer, List<String> allowedNetworks) {
    String networks = String.join(" ", allowedNetworks);
    return String.join("\n",
        "global",
        "    log stdout format raw local0 info",
        "    maxconn 1000",
        "defaults",
        "    mode tcp",
        "    log global",
        "    timeout connect 5s",
        "    timeout client 30s",
        "    timeout server 30s",
        "    # %ci:%cp comes from the PROXY header; %bi:%bp is haproxy's own outbound source",
        "    log-format \"pp_src=%ci:%cp pp_dst=%[dst]:%[dst_port] server=%si:%sp"
            + " out_src=%bi:%bp term=%ts\"",
        "frontend fe_fixed",
        "    bind " + literal(fixedFrontend) + " accept-proxy",
        "    default_backend be_sink",
        "backend be_sink",
        "    server sink " + literal(fixedServer),
        "frontend fe_usesrc",
        "    bind " + literal(usesrcFrontend) + " accept-proxy",
        "    tcp-request session reject if !{ dst " + networks + " }",
        "    tcp-request session reject if !{ src " + networks + " }",
        "    default_backend be_transparent",
        "backend be_transparent",
        "    server dynamic 0.0.0.0",
        "    source 0.0.0.0 usesrc clientip",
        "");
  }

  /** {@code a.b.c.d:port} or {@code [v6]:port}, as HAProxy's {@code bind} and {@code server} take. */
  static String literal(InetSocketAddress address) {
    InetAddress ip = address.getAddress();
    String host = ip.getHostAddress();
    return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** The command line: {@code -db} keeps HAProxy in the foreground with its log on stdout. */
  static List<String> command(String configFile) {
    return List.of("haproxy", "-db", "-f", configFile);
  }

  InetSocketAddress fixedFrontend() {
    return fixedFrontend;
  }

  InetSocketAddress usesrcFrontend() {
    return usesrcFrontend;
  }

  PeerProcess process() {
    return process;
  }

  List<HaproxyLogLine> sessions() {
    return HaproxyLogLine.parse(process.logText());
  }

  /**
   * Waits for the logged session that {@code matches}.
   *
   * @throws IllegalStateException with HAProxy's log if none appears in time
   */
  HaproxyLogLine awaitSession(String what, Predicate<HaproxyLogLine> matches) {
    return process.awaitLog(what, LOG_TIMEOUT,
        log -> HaproxyLogLine.parse(log).stream().filter(matches).findFirst());
  }

  /** Waits for the session whose PROXY header named {@code ppSrc} (e.g. {@code 10.0.0.1:0}). */
  HaproxyLogLine awaitSessionFrom(String ppSrc) {
    return awaitSession("a session with pp_src=" + ppSrc, line -> line.ppSrc().equals(ppSrc));
  }

  /** The logged sessions, one per line, for messages. */
  String sessionsText() {
    return sessions().stream().map(HaproxyLogLine::toString).collect(Collectors.joining("\n"));
  }

  /** The first logged session, if any. */
  Optional<HaproxyLogLine> firstSession() {
    return sessions().stream().findFirst();
  }
}
