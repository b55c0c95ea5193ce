package dev.egresskit.core.validate;

import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.spec.Problem;

import java.util.List;

/**
 * Checks one {@code make_egress_source} field on its own: its type and form, as KumoMTA's
 * deserializer checks it, without the rules that relate several fields (routes, partners,
 * families). {@code policy-extras.sources} checks its data files this way, as KumoMTA's helper
 * does with one-field probes.
 */
public final class SourceFields {
  private SourceFields() {}

  /** Whether {@code field} is a {@code make_egress_source} field. */
  public static boolean known(String field) {
    return EgressSpecs.SOURCE_FIELDS.contains(field);
  }

  /** The fields, in KumoMTA's declaration order. */
  public static List<String> all() {
    return EgressSpecs.SOURCE_FIELDS;
  }

  /**
   * The problems of {@code value} as field {@code field}.
   *
   * @throws IllegalArgumentException if the field is not {@link #known}
   */
  public static List<Problem> problems(String field, Object value, ScriptLocation where) {
    FieldReader in = new FieldReader(where);
    switch (field) {
      case "name", "ehlo_domain", "socks5_proxy_username" ->
          in.string(field, value, FieldReader.STRING_ALLOWED);
      case "source_address", "ha_proxy_source_address", "socks5_proxy_source_address" ->
          in.ip(field, value);
      case "remote_port" -> in.port(field, value);
      case "ha_proxy_server", "socks5_proxy_server" -> in.proxy(field, value);
      case "socks5_proxy_password" -> in.secret(field, value);
      case "suspend_when_unplumbed", "suspend_when_proxy_unhealthy" -> in.suspend(field, value);
      case "ttl" -> in.duration(field, value);
      case "socks5_proxy_tls" -> in.bool(field, value, FieldReader.TLS_ALLOWED);
      case "socks5_proxy_tls_ca" -> in.path(field, value, FieldReader.TLS_CA_ALLOWED);
      default -> throw new IllegalArgumentException("not a make_egress_source field: " + field);
    }
    return in.problems();
  }
}
