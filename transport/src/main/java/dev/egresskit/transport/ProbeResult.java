package dev.egresskit.transport;

import dev.egresskit.transport.spi.SourceAddressInfo;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@link SmtpProbe} run saw: where the connection really came from and what the server
 * said, with the time spent in each phase.
 *
 * @param sourceName     the egress source's name
 * @param destination    the destination with the port actually used
 * @param localAddress   the local end of the TCP connection (to the proxy, or the destination)
 * @param reportedSource the source address the destination sees, the protocol and the proxy
 * @param ehloName       the name sent with EHLO
 * @param banner         the 220 banner, one entry per line, as received (e.g. {@code "220 mx ESMTP"})
 * @param ehloReply      the 250 EHLO reply, one entry per line, as received
 * @param timings        resolve, connect, handshake, banner and EHLO times in microseconds
 */
public record ProbeResult(
    String sourceName,
    InetSocketAddress destination,
    InetSocketAddress localAddress,
    SourceAddressInfo reportedSource,
    String ehloName,
    List<String> banner,
    List<String> ehloReply,
    PhaseTimings timings) {

  public ProbeResult {
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(localAddress, "localAddress");
    Objects.requireNonNull(reportedSource, "reportedSource");
    Objects.requireNonNull(ehloName, "ehloName");
    banner = List.copyOf(banner);
    ehloReply = List.copyOf(ehloReply);
    Objects.requireNonNull(timings, "timings");
  }

  /** {@code direct}, {@code haproxy} or {@code socks5}. */
  public String protocol() {
    return reportedSource.protocol();
  }

  /** The proxy candidate used; empty for a direct connection. */
  public Optional<InetSocketAddress> proxyCandidate() {
    return reportedSource.server();
  }

  /** The EHLO extensions: the text of every reply line after the first (e.g. {@code PIPELINING}). */
  public List<String> extensions() {
    List<String> out = new ArrayList<>();
    for (int i = 1; i < ehloReply.size(); i++) {
      String line = ehloReply.get(i);
      out.add(line.length() > 4 ? line.substring(4) : "");
    }
    return List.copyOf(out);
  }
}
