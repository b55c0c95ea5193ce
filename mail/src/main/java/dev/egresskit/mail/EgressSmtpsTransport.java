package dev.egresskit.mail;

import jakarta.mail.Session;
import jakarta.mail.URLName;

/**
 * {@link EgressSmtpTransport} for {@code smtps} (SMTP over implicit TLS, port 465):
 * {@link EgressMail#configure} registers it as {@code mail.smtps.class}, so a session asked for
 * {@code smtps} also leaves through the egress source.
 */
public class EgressSmtpsTransport extends EgressSmtpTransport {

  /** The transport Jakarta Mail creates for {@code smtps}. */
  public EgressSmtpsTransport(Session session, URLName urlname) {
    super(session, urlname, "smtps", true);
  }
}
