package dev.egresskit.interop;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A running postfix {@code smtp-sink -v}: a real SMTP server whose log names the address of
 * every client and the EHLO name it sent, i.e. the proof that a source address took effect.
 */
final class SmtpSinkPeer {
  /** How long a probe's session may take to appear, complete, in the sink's log. */
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

  private final PeerProcess process;
  private final InetSocketAddress address;

  SmtpSinkPeer(PeerProcess process, InetSocketAddress address) {
    this.process = process;
    this.address = address;
  }

  /**
   * The command line: {@code -u nobody} because smtp-sink refuses to run as root without a user
   * to switch to; the backlog of 128 is smtp-sink's required last argument.
   */
  static List<String> command(InetAddress host, int port) {
    String literal = host.getHostAddress();
    String bind = host instanceof java.net.Inet6Address ? "[" + literal + "]" : literal;
    return List.of("smtp-sink", "-v", "-u", "nobody", bind + ":" + port, "128");
  }

  InetSocketAddress address() {
    return address;
  }

  PeerProcess process() {
    return process;
  }

  /** Every session logged so far. */
  List<SinkSession> sessions() {
    return SinkSession.parse(process.logText());
  }

  /**
   * Waits for the completed session whose client said {@code EHLO ehlo}. Every probe in these
   * tests uses its own EHLO name, so this finds exactly the probe's connection.
   *
   * @throws IllegalStateException with the sink's log if no such session completes in time
   */
  SinkSession awaitSessionWithEhlo(String ehlo) {
    return process.awaitLog("a finished session with EHLO " + ehlo, SESSION_TIMEOUT,
        log -> SinkSession.parse(log).stream()
            .filter(s -> s.disconnected() && s.ehlo().equals(Optional.of(ehlo)))
            .findFirst());
  }
}
