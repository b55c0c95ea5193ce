package dev.egresskit.mail;

import dev.egresskit.embed.EgressKit;
import dev.egresskit.embed.SourcePicker;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Makes Jakarta Mail (Angus Mail) send through EgressKit's egress sources.
 *
 * <pre>{@code
 * Properties props = new Properties();
 * props.put("mail.smtp.host", "mx.example.net");
 * EgressMail.configure(props, kit, "pool-1");          // a pool, or a single source's name
 * Session session = Session.getInstance(props);
 * Transport.send(message);                             // leaves through the picked source
 * }</pre>
 *
 * <h2>What {@link #configure} sets</h2>
 * For both {@code smtp} and {@code smtps}: EgressKit's own transport class ({@code
 * mail.smtp.class}, {@link EgressSmtpTransport}), a socket factory whose sockets perform the
 * route (bind {@code source_address}; HAProxy's PROXY v2 header; SOCKS5 BIND+CONNECT or CONNECT
 * with RFC 1929 credentials) with no fallback to a direct socket, and the picker.
 *
 * <h2>One source per connection, and its EHLO name</h2>
 * Each connection ({@code Transport.connect}, or each {@code Transport.send}) first takes a
 * source from the picker (a pool's weighted round robin skips suspended sources), then greets
 * with that source's {@code ehlo_domain}. Jakarta Mail's {@code mail.smtp.localhost} is one
 * value per session, so a pool could not greet with each pick's name through it: EgressKit's
 * transport class sets the name per connection instead (one session serves every pick). When
 * the source has no {@code ehlo_domain}, Jakarta Mail's own choice applies ({@code
 * mail.smtp.localhost}, else the host's name), as KumoMTA falls back to the host name.
 *
 * <h2>Ports, TLS and timeouts</h2>
 * The source's {@code remote_port} replaces the port; {@code mail.smtp.connectiontimeout} is the
 * deadline for connect and the route's handshake (default: the kit's connect timeout); {@code
 * mail.smtp.timeout} applies to reads as usual. {@code STARTTLS} ({@code
 * mail.smtp.starttls.enable}) and implicit TLS ({@code mail.smtp.ssl.enable}) work through every
 * route: Jakarta Mail layers TLS over the routed socket, and {@code mail.smtp.ssl.trust} or
 * {@code mail.smtp.ssl.socketFactory} choose the trust as usual.
 *
 * <h2>Failures</h2>
 * A connection that fails is a {@link MessagingException} whose {@link
 * MessagingException#getCause() cause} is EgressKit's: an {@link
 * dev.egresskit.transport.EgressConnectException} with its {@code kind()} ({@code
 * PROXY_UNREACHABLE}, {@code PROXY_BIND_REJECTED}, {@code SOURCE_UNPLUMBED}, ...; recorded in the
 * kit's source health), a {@link dev.egresskit.core.resolve.ResolutionException}, or a {@link
 * dev.egresskit.embed.NoEligibleSourceException}.
 */
public final class EgressMail {
  /** The property (an object, not a string) holding the {@link SourcePicker}. */
  public static final String PICKER_PROPERTY = "dev.egresskit.mail.picker";

  /** The protocols configured: plain SMTP (with optional STARTTLS) and SMTP over TLS. */
  static final List<String> PROTOCOLS = List.of("smtp", "smtps");

  private EgressMail() {}

  /**
   * Configures {@code props} so that Jakarta Mail sessions made from them send through {@code
   * sourceOrPool} of {@code kit} (a pool when the policy has a pool of that name, otherwise a
   * source; see {@link EgressKit#picker}).
   *
   * @return {@code props}
   * @throws dev.egresskit.core.resolve.ResolutionException if the name is neither a pool nor a
   *     source of the policy
   * @throws IllegalArgumentException if {@code props} asks for a local address or a proxy of
   *     Jakarta Mail's own, which would bypass the source's route
   */
  public static Properties configure(Properties props, EgressKit kit, String sourceOrPool) {
    Objects.requireNonNull(props, "props");
    Objects.requireNonNull(kit, "kit");
    return configure(props, kit, kit.picker(Objects.requireNonNull(sourceOrPool, "sourceOrPool")));
  }

  /** As {@link #configure(Properties, EgressKit, String)}, with a picker of the caller's. */
  public static Properties configure(Properties props, EgressKit kit, SourcePicker picker) {
    Objects.requireNonNull(props, "props");
    Objects.requireNonNull(kit, "kit");
    Objects.requireNonNull(picker, "picker");
    List<String> conflicts = conflicts(props);
    if (!conflicts.isEmpty()) {
      throw new IllegalArgumentException("these Jakarta Mail properties would bypass the egress"
          + " source's route; remove them: " + String.join(", ", conflicts));
    }
    RoutedSocketFactory sockets = new RoutedSocketFactory(kit, picker);
    props.put(PICKER_PROPERTY, picker);
    props.put("mail.smtp.class", EgressSmtpTransport.class.getName());
    props.put("mail.smtps.class", EgressSmtpsTransport.class.getName());
    for (String protocol : PROTOCOLS) {
      props.put("mail." + protocol + ".socketFactory", sockets);
      props.put("mail." + protocol + ".socketFactory.fallback", "false");
    }
    return props;
  }

  /**
   * The properties that would make Jakarta Mail bind, proxy or open sockets by itself (for
   * {@code smtps}, or with {@code ssl.enable}, a TLS socket factory is used to connect).
   */
  static List<String> conflicts(Properties props) {
    List<String> found = new ArrayList<>();
    for (String protocol : PROTOCOLS) {
      String prefix = "mail." + protocol + ".";
      for (String key : List.of("localaddress", "localport", "proxy.host", "socks.host",
          "socketFactory.port")) {
        if (props.get(prefix + key) != null) {
          found.add(prefix + key);
        }
      }
      boolean implicitTls = protocol.equals("smtps")
          || Boolean.parseBoolean(String.valueOf(props.get(prefix + "ssl.enable")));
      for (String key : List.of("ssl.socketFactory", "ssl.socketFactory.class",
          "ssl.socketFactory.port")) {
        if (implicitTls && props.get(prefix + key) != null) {
          found.add(prefix + key + " (with implicit TLS; use " + prefix
              + "ssl.trust or the default SSLContext)");
        }
      }
    }
    return found;
  }

  /** The picker {@link #configure} put into the session's properties, if it did. */
  static Optional<SourcePicker> pickerOf(Session session) {
    return session.getProperties().get(PICKER_PROPERTY) instanceof SourcePicker p
        ? Optional.of(p) : Optional.empty();
  }
}
