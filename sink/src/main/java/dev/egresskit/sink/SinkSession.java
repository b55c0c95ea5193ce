package dev.egresskit.sink;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the sink saw in one finished session.
 *
 * @param id          sequence number, from 1, in order of connection
 * @param peer        the TCP peer address (who really connected)
 * @param local       the sink's own address for this session
 * @param proxyHeader the PROXY header, when one was received
 * @param ehlo        the name given with the last EHLO or HELO
 * @param commands    the command lines received, in order (DATA content excluded): the first
 *                    {@value #KEPT}
 * @param commandCount how many command lines were received
 * @param messages    the messages accepted with DATA: the first {@value #KEPT}
 * @param messageCount how many messages were accepted
 * @param duration    from accept to close
 * @param endReason   why the session ended, e.g. {@code QUIT}, {@code client closed},
 *                    {@code idle timeout}, {@code line too long}, {@code scripted disconnect}
 * @param rejection   the bounded category, when the sink itself ended the session for a fault
 * @param tls         whether the session switched to TLS with {@code STARTTLS}
 */
public record SinkSession(
    long id,
    InetSocketAddress peer,
    InetSocketAddress local,
    Optional<ProxyHeader> proxyHeader,
    Optional<String> ehlo,
    List<String> commands,
    int commandCount,
    List<SinkMessage> messages,
    int messageCount,
    Duration duration,
    String endReason,
    Optional<SinkRejection> rejection,
    boolean tls) {

  /** How many command lines and messages a session keeps (each kind is counted beyond it). */
  public static final int KEPT = 1_000;

  public SinkSession {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(proxyHeader, "proxyHeader");
    Objects.requireNonNull(ehlo, "ehlo");
    commands = List.copyOf(commands);
    messages = List.copyOf(messages);
    if (commandCount < commands.size() || messageCount < messages.size()) {
      throw new IllegalArgumentException("counts below the lists kept: " + commandCount + " < "
          + commands.size() + " or " + messageCount + " < " + messages.size());
    }
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(endReason, "endReason");
    Objects.requireNonNull(rejection, "rejection");
  }

  /**
   * How the session ended, from a small fixed set (for metric labels; {@link #endReason()} has
   * the details): {@code quit}, {@code client_closed}, {@code scripted}, or the rejection's name
   * in lower case.
   */
  public String outcome() {
    if (rejection.isPresent()) {
      return rejection.get().name().toLowerCase(java.util.Locale.ROOT);
    }
    if (endReason.equals("QUIT")) {
      return "quit";
    }
    return endReason.startsWith("scripted") ? "scripted" : "client_closed";
  }

  /**
   * The source address the sending side presented: the PROXY header's source when there was
   * one, otherwise the TCP peer.
   */
  public InetSocketAddress effectiveSource() {
    return proxyHeader.map(ProxyHeader::source).orElse(peer);
  }
}
