package dev.egresskit.mail;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.resolve.ResolutionException;
import dev.egresskit.embed.NoEligibleSourceException;
import dev.egresskit.embed.SourcePicker;
import dev.egresskit.transport.EgressConnectException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.util.Optional;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus Mail's SMTP transport, with a source picked per connection: {@link EgressMail#configure}
 * registers it as {@code mail.smtp.class}. Each connect takes the next source from the
 * configured picker, greets with that source's {@code ehlo_domain} (Jakarta Mail's choice when
 * it has none), and connects through the source's route; everything else is Angus Mail's SMTP.
 * Failures are {@link MessagingException}s caused by EgressKit's exception (see {@link
 * EgressMail}).
 *
 * <p>The class is registered with Jakarta Mail in this jar's {@code META-INF/jakarta.providers}
 * (Jakarta Mail selects {@code mail.smtp.class} among registered providers only), under a
 * protocol name of its own so that it never becomes the default {@code smtp} transport. Used in
 * a session that {@link EgressMail#configure} did not configure, it is exactly Angus Mail's.
 */
public class EgressSmtpTransport extends SMTPTransport {
  private EgressSource current;

  /** The transport Jakarta Mail creates for {@code smtp}. */
  public EgressSmtpTransport(Session session, URLName urlname) {
    super(session, urlname, "smtp", false);
  }

  /** For {@link EgressSmtpsTransport}. */
  protected EgressSmtpTransport(Session session, URLName urlname, String name, boolean isSSL) {
    super(session, urlname, name, isSSL);
  }

  /** The source of the current (or last) connection; empty before the first connect. */
  public synchronized Optional<EgressSource> source() {
    return Optional.ofNullable(current);
  }

  @Override
  protected synchronized boolean protocolConnect(String host, int port, String user,
      String password) throws MessagingException {
    Optional<SourcePicker> configured = EgressMail.pickerOf(session);
    if (configured.isEmpty()) {
      // A session EgressMail did not configure: exactly Angus Mail's SMTP.
      current = null;
      return super.protocolConnect(host, port, user, password);
    }
    SourcePicker picker = configured.get();
    EgressSource source;
    try {
      source = picker.next();
    } catch (ResolutionException | NoEligibleSourceException e) {
      throw new MessagingException("no egress source from " + picker + ": " + e.getMessage(), e);
    }
    current = source;
    // Per connection, not per session: each pick greets with its own name.
    setLocalHost(source.ehloDomain().orElse(null));
    try {
      return RoutedSocketFactory.withSource(source,
          () -> super.protocolConnect(host, port, user, password));
    } catch (MessagingException e) {
      throw withEgressCause(e, source, host);
    }
  }

  /**
   * {@code e} with EgressKit's exception as the direct cause when one is in its chain (Jakarta
   * Mail wraps it twice), so callers find the failure kind with {@code getCause()}.
   */
  private static MessagingException withEgressCause(MessagingException e, EgressSource source,
      String host) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof EgressConnectException connect) {
        MessagingException m = new MessagingException("could not connect to SMTP host " + host
            + " from egress source " + source.name() + ": " + connect.getMessage(), connect);
        m.addSuppressed(e);
        return m;
      }
    }
    return e;
  }
}
