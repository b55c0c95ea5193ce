package dev.egresskit.core.validate;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.grammar.ProxyServers;
import dev.egresskit.core.grammar.RustText;
import dev.egresskit.core.grammar.Thresholds;
import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.HealthRules;
import dev.egresskit.core.model.PoolEntry;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.Secret;
import dev.egresskit.core.model.Socks5Credentials;
import dev.egresskit.core.model.SuspendOnFailure;
import dev.egresskit.core.spec.InvalidSpecException;
import dev.egresskit.core.spec.Problem;
import dev.egresskit.core.spec.RawSpec;
import dev.egresskit.core.spec.SourceValidator;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The single entry point from a {@link RawSpec} to a validated model value. Every problem is
 * collected before anything is thrown.
 *
 * <h2>{@code make_egress_source}</h2>
 * Fields, types, defaults and error texts are KumoMTA's (spec §1): unknown keys are errors that
 * list the known keys in declaration order, {@code name} is required, {@code ttl} defaults to
 * 60 s, addresses are strict IP literals ({@link IpLiterals}), proxy servers follow
 * {@link ProxyServers}, durations {@link Durations}, thresholds {@link Thresholds}. A
 * {@link Double} is never an integer, even when its value is whole (the bindings hand whole
 * numbers over as {@link Long}).
 *
 * <p>EgressKit's route rules (architecture.md, "Model decisions"), each an error where KumoMTA
 * silently connects directly or silently picks one proxy:
 * <ul>
 *   <li>{@code ha_proxy_server} without {@code ha_proxy_source_address}, or the reverse;</li>
 *   <li>{@code socks5_proxy_source_address} without {@code socks5_proxy_server};</li>
 *   <li>{@code socks5_proxy_username} without {@code socks5_proxy_password}, or the reverse, and
 *       SOCKS5 credentials without {@code socks5_proxy_server};</li>
 *   <li>a complete HAProxy config together with {@code socks5_proxy_server};</li>
 *   <li><b>address family:</b> a {@code source_address} whose family differs from a proxy server
 *       given as an IP literal ({@code source_address} is the local bind used to reach the proxy,
 *       so such a bind could never reach it). This is the part of "HAProxy source and
 *       source_address of different families" that can be known before connecting; the
 *       {@code ha_proxy_source_address}/destination family check stays a connect-time check.
 *       An IPv4-mapped {@code ::ffff:a.b.c.d} counts as IPv6, as in KumoMTA.</li>
 * </ul>
 * {@code socks5_proxy_server} alone is a plain RFC 1928 CONNECT ({@link Route.Socks5} with an
 * empty source address); with {@code socks5_proxy_source_address} it is KumoProxy's
 * BIND-then-CONNECT.
 *
 * <h2>Validators</h2>
 * After the built-in rules, every {@link SourceValidator} on the class path (loaded once with
 * {@link java.util.ServiceLoader}) runs and its problems are appended to the same numbered list.
 * Validators always run, so one attempt reports everything: when built-in problems exist they see
 * a best-effort source in which every invalid field is left at its default (name {@code ""} when
 * missing, a direct route when the route rules failed).
 */
public final class EgressSpecs {
  /** The fields of {@code make_egress_source}, in KumoMTA's declaration order. */
  static final List<String> SOURCE_FIELDS = List.of("name", "ehlo_domain", "source_address",
      "remote_port", "ha_proxy_server", "ha_proxy_source_address", "socks5_proxy_server",
      "socks5_proxy_source_address", "socks5_proxy_username", "socks5_proxy_password",
      "suspend_when_unplumbed", "suspend_when_proxy_unhealthy", "ttl");
  static final List<String> POOL_FIELDS = List.of("name", "entries", "ttl");
  static final List<String> ENTRY_FIELDS = List.of("name", "weight");

  static final String MAKE_SOURCE = "make_egress_source";
  static final String MAKE_POOL = "make_egress_pool";

  private static final String NAME_ALLOWED = "a string (the source name; may be empty)";
  private static final String EHLO_ALLOWED = "a string (the EHLO name)";
  private static final String USERNAME_ALLOWED =
      "a string, set together with socks5_proxy_password";
  private static final String WEIGHT_ALLOWED = "an integer 0..4294967295 (default 1; 0 is the"
      + " same as leaving the entry out)";
  private static final String ENTRIES_ALLOWED =
      "a list of tables {name = \"<source>\", weight = <integer>}";

  private EgressSpecs() {}

  /**
   * Validates a {@code make_egress_source} spec, then runs every {@link SourceValidator} found on
   * the class path.
   *
   * @throws InvalidSpecException listing every problem
   */
  public static EgressSource toSource(RawSpec spec) {
    FieldReader in = new FieldReader(spec.location());
    Map<String, Object> raw = FieldReader.table(spec.fields());

    String name = in.string("name", raw.get("name"), NAME_ALLOWED);
    if (!raw.containsKey("name")) {
      in.missing("name", "name", NAME_ALLOWED);
    }
    String ehlo = in.string("ehlo_domain", raw.get("ehlo_domain"), EHLO_ALLOWED);
    InetAddress source = in.ip("source_address", raw.get("source_address"));
    Integer port = in.port("remote_port", raw.get("remote_port"));
    ProxyServer haServer = in.proxy("ha_proxy_server", raw.get("ha_proxy_server"));
    InetAddress haSource = in.ip("ha_proxy_source_address", raw.get("ha_proxy_source_address"));
    ProxyServer socksServer = in.proxy("socks5_proxy_server", raw.get("socks5_proxy_server"));
    InetAddress socksSource =
        in.ip("socks5_proxy_source_address", raw.get("socks5_proxy_source_address"));
    String username =
        in.string("socks5_proxy_username", raw.get("socks5_proxy_username"), USERNAME_ALLOWED);
    Secret password = in.secret("socks5_proxy_password", raw.get("socks5_proxy_password"));
    SuspendOnFailure unplumbed =
        in.suspend("suspend_when_unplumbed", raw.get("suspend_when_unplumbed"));
    SuspendOnFailure proxyUnhealthy =
        in.suspend("suspend_when_proxy_unhealthy", raw.get("suspend_when_proxy_unhealthy"));
    Duration ttl = in.duration("ttl", raw.get("ttl"));
    in.unknownKeys("", raw, SOURCE_FIELDS);
    boolean fieldsValid = in.problems().isEmpty();

    boolean routeValid = RouteRules.check(in, raw, source, haServer, socksServer);
    Route route;
    Optional<InetAddress> bind = Optional.ofNullable(source);
    if (fieldsValid && routeValid && haServer != null) {
      route = new Route.HaProxy(haServer, haSource, bind);
    } else if (fieldsValid && routeValid && socksServer != null) {
      Optional<Socks5Credentials> credentials = username == null ? Optional.empty()
          : Optional.of(new Socks5Credentials(username, password));
      route = new Route.Socks5(socksServer, Optional.ofNullable(socksSource), credentials, bind);
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

    List<Problem> problems = new ArrayList<>(in.problems());
    problems.addAll(Validators.run(result, spec));
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(MAKE_SOURCE, spec.location(), problems);
    }
    return result;
  }

  /**
   * Validates a {@code make_egress_pool} spec (fields, defaults and errors of spec §7.1):
   * {@code name} required, {@code entries} a list (default empty; an empty Lua table counts as an
   * empty list) of {@code {name, weight}} tables with {@code weight} a {@code u32} defaulting to
   * 1, duplicates allowed, {@code ttl} default 60 s. Entry fields are reported as
   * {@code entries[N].field}, counting from 1.
   *
   * @throws InvalidSpecException listing every problem
   */
  public static EgressPool toPool(RawSpec spec) {
    FieldReader in = new FieldReader(spec.location());
    Map<String, Object> raw = FieldReader.table(spec.fields());

    String name = in.string("name", raw.get("name"), FieldReader.STRING_ALLOWED);
    if (!raw.containsKey("name")) {
      in.missing("name", "name", "a string (the pool name)");
    }
    List<PoolEntry> entries = new ArrayList<>();
    Object rawEntries = raw.get("entries");
    if (rawEntries != null) {
      List<Object> list = FieldReader.list(rawEntries);
      if (list == null) {
        in.problem("entries", Optional.of(RustText.show(rawEntries)), "invalid type: "
            + RustText.unexpected(rawEntries) + ", expected a sequence", ENTRIES_ALLOWED);
      } else {
        for (int i = 0; i < list.size(); i++) {
          PoolEntry entry = entry(in, "entries[" + (i + 1) + "]", list.get(i));
          if (entry != null) {
            entries.add(entry);
          }
        }
      }
    }
    Duration ttl = in.duration("ttl", raw.get("ttl"));
    in.unknownKeys("", raw, POOL_FIELDS);
    if (!in.problems().isEmpty()) {
      throw new InvalidSpecException(MAKE_POOL, spec.location(), in.problems());
    }
    return new EgressPool(name, entries, ttl == null ? EgressSource.DEFAULT_TTL : ttl);
  }

  private static PoolEntry entry(FieldReader in, String field, Object rawEntry) {
    Map<String, Object> table = rawEntry == null ? null : FieldReader.table(rawEntry);
    if (table == null) {
      in.problem(field, Optional.ofNullable(rawEntry).map(RustText::show),
          "invalid type: " + (rawEntry == null ? "unit" : RustText.unexpected(rawEntry))
              + ", expected struct EgressPoolEntry", ENTRIES_ALLOWED);
      return null;
    }
    int before = in.problems().size();
    String name = in.string(field + ".name", table.get("name"), "a string (a source name)");
    if (!table.containsKey("name")) {
      in.missing(field + ".name", "name", "a string (a source name)");
    }
    Long weight = in.unsigned(field + ".weight", table.get("weight"), PoolEntry.MAX_WEIGHT, "u32",
        WEIGHT_ALLOWED);
    in.unknownKeys(field + ".", table, ENTRY_FIELDS);
    if (in.problems().size() != before) {
      return null;
    }
    return new PoolEntry(name, weight == null ? 1 : weight);
  }
}
