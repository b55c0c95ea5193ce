package dev.egresskit.transport;

import dev.egresskit.core.model.EgressSource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Proves that a source works end to end: connects through the source's route, reads the 220
 * banner (multi-line allowed), sends {@code EHLO <name>}, reads the 250 reply with its
 * extensions, and sends {@code QUIT}. The result reports the addresses really used and the time
 * of each phase.
 *
 * <p>The EHLO name is the caller's override, else the source's {@code ehlo_domain}, else the
 * local host name (spec §2.7). The destination port is {@code remote_port}, else the
 * destination's port, else 25 (spec §2.6).
 *
 * <pre>{@code
 * SmtpProbe probe = SmtpProbe.create(connector);
 * ProbeResult r = probe.probe(source, new InetSocketAddress("127.0.0.1", 2525),
 *     Optional.empty(), Duration.ofSeconds(10)).get();
 * System.out.println(r.reportedSource() + " " + r.banner() + " " + r.timings());
 * }</pre>
 *
 * <p>Failures are {@link EgressConnectException}s: connect failures keep their kind, and every
 * SMTP problem (4xx/5xx reply, garbage, a closed connection, a line longer than {@link
 * Builder#maxLineLength}, the deadline) is {@link dev.egresskit.core.health.FailureKind#SMTP_FAILED}.
 * The channel is closed on every path.
 */
public final class SmtpProbe {
  /** Default bound on one reply line, without CRLF (RFC 5321 allows 512 with it). */
  public static final int DEFAULT_MAX_LINE_LENGTH = 1000;
  /** Default bound on the lines of one multi-line reply. */
  public static final int DEFAULT_MAX_REPLY_LINES = 100;

  private final EgressConnector connector;
  private final Supplier<String> localHostName;
  private final int maxLineLength;
  private final int maxReplyLines;
  private volatile String cachedHostName;

  private SmtpProbe(Builder b) {
    this.connector = b.connector;
    this.localHostName = b.localHostName;
    this.maxLineLength = b.maxLineLength;
    this.maxReplyLines = b.maxReplyLines;
  }

  /** A probe with the defaults. */
  public static SmtpProbe create(EgressConnector connector) {
    return builder(connector).build();
  }

  /** A builder for a probe that connects with {@code connector}. */
  public static Builder builder(EgressConnector connector) {
    return new Builder(connector);
  }

  /**
   * Runs one probe under one deadline: {@code timeout} covers the connection (resolve, connect,
   * handshake) and the SMTP exchange together.
   *
   * @param source       the source to connect from
   * @param destination  a resolved IP address; the port rule of spec §2.6 applies
   * @param ehloOverride the EHLO name to use instead of the source's (a path-level setting)
   * @param timeout      the deadline for the whole probe, positive
   * @throws IllegalArgumentException if the EHLO name is empty or contains spaces or control
   *                                  characters, or as {@link EgressConnector#connect} says
   */
  public CompletableFuture<ProbeResult> probe(
      EgressSource source, InetSocketAddress destination, Optional<String> ehloOverride,
      Duration timeout) {
    Objects.requireNonNull(ehloOverride, "ehloOverride");
    String ehlo = ehloOverride.isPresent() ? checkName(ehloOverride.get(), null)
        : source.ehloDomain().isPresent() ? checkName(source.ehloDomain().get(), source)
            : hostName();
    long deadline = connector.ticker().nanoTime() + timeout.toNanos();
    return connector.connect(source, destination, timeout).thenCompose(connection -> {
      CompletableFuture<ProbeResult> result = new CompletableFuture<>();
      SmtpSession session = new SmtpSession(connection, ehlo, maxReplyLines, deadline, timeout,
          result);
      connection.attach(SmtpSession.lineDecoder(maxLineLength), session);
      return result;
    });
  }

  private String hostName() {
    String name = cachedHostName;
    if (name == null) {
      name = localHostName.get();
      cachedHostName = name;
    }
    return name;
  }

  /** The name, checked; {@code source} is the one whose ehlo_domain it is, null for the override. */
  private static String checkName(String name, EgressSource source) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException(field(source) + " must not be empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        throw new IllegalArgumentException(field(source) + " must be a host name or address "
            + "literal without spaces or control characters: \"" + SmtpSession.printable(name)
            + "\"");
      }
    }
    return name;
  }

  /** The checked field as errors name it: built only for an error, as probes run per setup. */
  private static String field(EgressSource source) {
    return source == null ? "the EHLO override" : "ehlo_domain of source " + source.name();
  }

  /** The system's host name, or {@code [127.0.0.1]} when it cannot be found (as KumoMTA does). */
  static String systemHostName() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return name == null || name.isEmpty() ? "[127.0.0.1]" : name;
    } catch (java.io.IOException e) {
      return "[127.0.0.1]";
    }
  }

  /** Configures an {@link SmtpProbe}. */
  public static final class Builder {
    private final EgressConnector connector;
    private Supplier<String> localHostName = SmtpProbe::systemHostName;
    private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
    private int maxReplyLines = DEFAULT_MAX_REPLY_LINES;

    private Builder(EgressConnector connector) {
      this.connector = Objects.requireNonNull(connector, "connector");
    }

    /** Supplies the EHLO name of last resort (default: the system host name, looked up once). */
    public Builder localHostName(Supplier<String> supplier) {
      this.localHostName = Objects.requireNonNull(supplier, "supplier");
      return this;
    }

    /** The longest reply line accepted, without CRLF; longer lines fail the probe. */
    public Builder maxLineLength(int bytes) {
      if (bytes < 4) {
        throw new IllegalArgumentException("maxLineLength must be at least 4: " + bytes);
      }
      this.maxLineLength = bytes;
      return this;
    }

    /** The most lines one multi-line reply may have; more fail the probe. */
    public Builder maxReplyLines(int lines) {
      if (lines < 1) {
        throw new IllegalArgumentException("maxReplyLines must be at least 1: " + lines);
      }
      this.maxReplyLines = lines;
      return this;
    }

    /** The probe. */
    public SmtpProbe build() {
      return new SmtpProbe(this);
    }
  }
}
