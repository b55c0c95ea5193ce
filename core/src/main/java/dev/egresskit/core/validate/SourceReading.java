package dev.egresskit.core.validate;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.HealthRules;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.Secret;
import dev.egresskit.core.model.Socks5Credentials;
import dev.egresskit.core.model.Socks5Tls;
import dev.egresskit.core.model.SuspendOnFailure;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.policy.FieldMaps;
import dev.egresskit.core.spec.Problem;
import dev.egresskit.core.spec.RawSpec;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One reading of a {@code make_egress_source} spec: the problems of each field on its own, the
 * problems of the route rules, and the source built from the valid fields (a direct route when
 * the route rules failed).
 *
 * @param source         the source; best-effort when there are problems
 * @param fieldProblems  what is wrong with single fields, in field order
 * @param routeProblems  which route rules ({@link RouteRules}) are broken
 * @param redactedFields the fields as the script wrote them, secrets replaced by
 *                       {@link Secret#REDACTED}
 */
record SourceReading(EgressSource source, List<Problem> fieldProblems,
    List<Problem> routeProblems, Map<String, Object> redactedFields) {

  private static final String NAME_ALLOWED = "a string (the source name; may be empty)";
  private static final String USERNAME_ALLOWED =
      "a string of at most 255 bytes in UTF-8, set together with socks5_proxy_password";
  private static final String PASSWORD = "socks5_proxy_password";

  SourceReading {
    fieldProblems = List.copyOf(fieldProblems);
    routeProblems = List.copyOf(routeProblems);
    redactedFields = FieldMaps.frozen(redactedFields);
  }

  static SourceReading of(RawSpec spec) {
    FieldReader in = new FieldReader(spec.location());
    Map<String, Object> raw = FieldReader.table(spec.fields());

    String name = in.string("name", raw.get("name"), NAME_ALLOWED);
    if (!raw.containsKey("name")) {
      in.missing("name", "name", NAME_ALLOWED);
    }
    String ehlo = in.ehloDomain("ehlo_domain", raw.get("ehlo_domain"));
    InetAddress source = in.ip("source_address", raw.get("source_address"));
    Integer port = in.port("remote_port", raw.get("remote_port"));
    ProxyServer haServer = in.proxy("ha_proxy_server", raw.get("ha_proxy_server"));
    InetAddress haSource = in.ip("ha_proxy_source_address", raw.get("ha_proxy_source_address"));
    ProxyServer socksServer = in.proxy("socks5_proxy_server", raw.get("socks5_proxy_server"));
    InetAddress socksSource =
        in.ip("socks5_proxy_source_address", raw.get("socks5_proxy_source_address"));
    String username =
        in.username("socks5_proxy_username", raw.get("socks5_proxy_username"), USERNAME_ALLOWED);
    Secret password = in.secret(PASSWORD, raw.get(PASSWORD));
    SuspendOnFailure unplumbed =
        in.suspend("suspend_when_unplumbed", raw.get("suspend_when_unplumbed"));
    SuspendOnFailure proxyUnhealthy =
        in.suspend("suspend_when_proxy_unhealthy", raw.get("suspend_when_proxy_unhealthy"));
    Duration ttl = in.duration("ttl", raw.get("ttl"));
    Boolean tls = in.bool("socks5_proxy_tls", raw.get("socks5_proxy_tls"), FieldReader.TLS_ALLOWED);
    Path tlsCa = in.path("socks5_proxy_tls_ca", raw.get("socks5_proxy_tls_ca"),
        FieldReader.TLS_CA_ALLOWED);
    in.unknownKeys("", raw, EgressSpecs.SOURCE_FIELDS);
    List<Problem> fieldProblems = List.copyOf(in.problems());

    FieldReader rules = new FieldReader(spec.location());
    boolean routeValid = RouteRules.check(rules, raw, source, haServer, socksServer);
    boolean usable = fieldProblems.isEmpty() && routeValid;
    Route route;
    Optional<InetAddress> bind = Optional.ofNullable(source);
    if (usable && haServer != null) {
      route = new Route.HaProxy(haServer, haSource, bind);
    } else if (usable && socksServer != null) {
      Optional<Socks5Credentials> credentials = username == null ? Optional.empty()
          : Optional.of(new Socks5Credentials(username, password));
      Optional<Socks5Tls> socksTls = Boolean.TRUE.equals(tls)
          ? Optional.of(tlsCa == null ? Socks5Tls.JDK_TRUST : Socks5Tls.trusting(tlsCa))
          : Optional.empty();
      route = new Route.Socks5(socksServer, Optional.ofNullable(socksSource), credentials, bind,
          socksTls);
    } else {
      route = new Route.Direct(bind);
    }

    EgressSource result = new EgressSource(
        name == null ? "" : name,
        Optional.ofNullable(ehlo),
        port == null ? OptionalInt.empty() : OptionalInt.of(port),
        ttl == null ? EgressSource.DEFAULT_TTL : ttl,
        new HealthRules(Optional.ofNullable(unplumbed), Optional.ofNullable(proxyUnhealthy)),
        route);
    return new SourceReading(result, fieldProblems, rules.problems(), redacted(raw));
  }

  /**
   * The route rules alone, on fields that passed {@link #of}'s field checks (as a made value's
   * fields did).
   */
  static List<Problem> routeProblems(Map<String, Object> fields, ScriptLocation where) {
    FieldReader values = new FieldReader(where);
    InetAddress source = values.ip("source_address", fields.get("source_address"));
    ProxyServer haServer = values.proxy("ha_proxy_server", fields.get("ha_proxy_server"));
    ProxyServer socksServer =
        values.proxy("socks5_proxy_server", fields.get("socks5_proxy_server"));
    FieldReader rules = new FieldReader(where);
    RouteRules.check(rules, fields, source, haServer, socksServer);
    return List.copyOf(rules.problems());
  }

  private static Map<String, Object> redacted(Map<String, Object> raw) {
    if (!raw.containsKey(PASSWORD)) {
      return FieldMaps.frozen(raw);
    }
    Map<String, Object> out = new LinkedHashMap<>(raw);
    out.put(PASSWORD, Secret.REDACTED);
    return out;
  }
}
