package dev.egresskit.examples;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.spec.Problem;
import dev.egresskit.core.spec.RawSpec;
import dev.egresskit.core.spec.SourceValidator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A site rule: every source must announce an EHLO name under the site's domain, so no source
 * ever greets a receiver with the machine's host name or someone else's domain.
 *
 * <p>The domain comes from the system property {@code egresskit.examples.ehlo-domain}, else the
 * environment variable {@code EGRESSKIT_EHLO_DOMAIN}, else {@value #DEFAULT_DOMAIN} (the domain
 * of the bundled demo policy, so {@code egresskit --plugin DIR demo} passes).
 */
public final class EhloDomainRule implements SourceValidator {

  /** The domain used when none is configured. */
  public static final String DEFAULT_DOMAIN = "demo.egresskit.test";

  private final String domain;

  /** For {@link java.util.ServiceLoader}: reads the configured domain. */
  public EhloDomainRule() {
    this(configuredDomain());
  }

  /** A rule for {@code domain} (lower-cased, without a trailing dot). */
  public EhloDomainRule(String domain) {
    String d = domain.trim().toLowerCase(Locale.ROOT);
    this.domain = d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
  }

  /** The domain every EHLO name must be under. */
  public String domain() {
    return domain;
  }

  @Override
  public List<Problem> validate(EgressSource source, RawSpec spec) {
    String allowed = "a host name under " + domain + " (site rule "
        + EhloDomainRule.class.getSimpleName() + ")";
    if (source.ehloDomain().isEmpty()) {
      return List.of(new Problem("ehlo_domain", spec.location(), Optional.empty(),
          "is required by this site: without it the host name would be announced", allowed));
    }
    String ehlo = source.ehloDomain().get().toLowerCase(Locale.ROOT);
    if (ehlo.equals(domain) || ehlo.endsWith("." + domain)) {
      return List.of();
    }
    return List.of(new Problem("ehlo_domain", spec.location(),
        Optional.of("\"" + source.ehloDomain().get() + "\""), "is not under " + domain, allowed));
  }

  private static String configuredDomain() {
    String fromProperty = System.getProperty("egresskit.examples.ehlo-domain");
    if (fromProperty != null && !fromProperty.isBlank()) {
      return fromProperty;
    }
    String fromEnv = System.getenv("EGRESSKIT_EHLO_DOMAIN");
    return fromEnv != null && !fromEnv.isBlank() ? fromEnv : DEFAULT_DOMAIN;
  }
}
