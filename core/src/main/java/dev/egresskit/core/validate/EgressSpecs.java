package dev.egresskit.core.validate;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.grammar.ProxyServers;
import dev.egresskit.core.grammar.RustText;
import dev.egresskit.core.grammar.Thresholds;
import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.PoolEntry;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.spec.InvalidSpecException;
import dev.egresskit.core.spec.Problem;
import dev.egresskit.core.spec.RawSpec;
import dev.egresskit.core.spec.SourceValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 *   <li>{@code socks5_proxy_tls} without {@code socks5_proxy_server}, and
 *       {@code socks5_proxy_tls_ca} without {@code socks5_proxy_tls = true};</li>
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
 * <h2>When each rule runs</h2>
 * {@code make_egress_source} checks each field on its own ({@link #makeSource}): KumoMTA's own
 * helpers probe fields one at a time ({@code make_egress_source{name = 'x', [field] = value}}),
 * and such a probe must not fail on a rule that needs a partner field. The route rules above and
 * the site rules run on the source that resolution is about to return ({@link #accept}); their
 * problems are reported at the {@code make_egress_source} call, so a half-configured source is
 * never used. {@link #toSource} runs every rule at once.
 *
 * <h2>Site rules</h2>
 * After the route rules, every {@link SourceValidator} this instance was built with runs (the
 * composition root passes the built-in and plug-in ones) and its problems are appended to the
 * same numbered list. Validators see the script's fields with secrets redacted. When the route
 * rules failed they see a best-effort source with a direct route, so one attempt reports
 * everything.
 */
public final class EgressSpecs {
  /**
   * The fields of {@code make_egress_source}, in KumoMTA's declaration order, then EgressKit's own
   * ({@code socks5_proxy_tls}, {@code socks5_proxy_tls_ca}; KumoMTA has no such fields).
   */
  static final List<String> SOURCE_FIELDS = List.of("name", "ehlo_domain", "source_address",
      "remote_port", "ha_proxy_server", "ha_proxy_source_address", "socks5_proxy_server",
      "socks5_proxy_source_address", "socks5_proxy_username", "socks5_proxy_password",
      "suspend_when_unplumbed", "suspend_when_proxy_unhealthy", "ttl", "socks5_proxy_tls",
      "socks5_proxy_tls_ca");
  static final List<String> POOL_FIELDS = List.of("name", "entries", "ttl");
  static final List<String> ENTRY_FIELDS = List.of("name", "weight");

  static final String MAKE_SOURCE = "make_egress_source";
  static final String MAKE_POOL = "make_egress_pool";

  private static final String WEIGHT_ALLOWED = "an integer 0..4294967295 (default 1; 0 is the"
      + " same as leaving the entry out)";
  private static final String ENTRIES_ALLOWED =
      "a list of tables {name = \"<source>\", weight = <integer>}";

  /** The built-in rules only, with no site rules. */
  public static final EgressSpecs BUILT_IN = new EgressSpecs(List.of());

  private final List<SourceValidator> validators;

  /**
   * Validation with these site rules, run in the order given after the built-in ones.
   *
   * @param validators the built-in and plug-in {@link SourceValidator}s; may be empty
   */
  public EgressSpecs(List<SourceValidator> validators) {
    this.validators = List.copyOf(validators);
  }

  /** The site rules this instance runs, in order. */
  public List<SourceValidator> validators() {
    return validators;
  }

  /**
   * {@code make_egress_source}: checks each field on its own (types, grammars, unknown keys,
   * {@code name} present) and builds the source. The cross-field rules and the site rules wait
   * for {@link #accept}; the returned value keeps the fields (secrets redacted) they need.
   *
   * @throws InvalidSpecException listing every field problem
   */
  public static Made<EgressSource> makeSource(RawSpec spec) {
    SourceReading reading = SourceReading.of(spec);
    if (!reading.fieldProblems().isEmpty()) {
      throw new InvalidSpecException(MAKE_SOURCE, spec.location(), reading.fieldProblems());
    }
    return new Made<>(reading.source(), spec.location(), reading.redactedFields());
  }

  /**
   * The check of a source that resolution is about to return: the route rules on the fields it
   * was made from, then the site rules. Problems are reported at the place it was made.
   *
   * @return the source, when every rule holds
   * @throws InvalidSpecException listing every problem
   */
  public EgressSource accept(Made<EgressSource> made) {
    List<Problem> problems = new ArrayList<>(
        SourceReading.routeProblems(made.fields(), made.location()));
    problems.addAll(siteProblems(made.value(), new RawSpec(made.fields(), made.location())));
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(MAKE_SOURCE, made.location(), problems);
    }
    return made.value();
  }

  /**
   * Every rule at once (fields, route rules, site rules), with every problem in one list: what a
   * Java caller building a source from a raw spec wants.
   *
   * @throws InvalidSpecException listing every problem
   */
  public EgressSource toSource(RawSpec spec) {
    SourceReading reading = SourceReading.of(spec);
    List<Problem> problems = new ArrayList<>(reading.fieldProblems());
    problems.addAll(reading.routeProblems());
    problems.addAll(siteProblems(reading.source(),
        new RawSpec(reading.redactedFields(), spec.location())));
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(MAKE_SOURCE, spec.location(), problems);
    }
    return reading.source();
  }

  /** Runs every site rule; a validator that throws becomes a problem instead of a crash. */
  private List<Problem> siteProblems(EgressSource source, RawSpec spec) {
    List<Problem> problems = new ArrayList<>();
    for (SourceValidator validator : validators) {
      try {
        List<Problem> found = validator.validate(source, spec);
        if (found != null) {
          problems.addAll(found);
        }
      } catch (RuntimeException e) {
        problems.add(new Problem("", spec.location(), Optional.empty(),
            "source validator " + validator.getClass().getName() + " failed: "
                + e.getClass().getName(),
            "a validator that reports problems instead of throwing"));
      }
    }
    return problems;
  }

  /**
   * {@code make_egress_pool}: validates the spec ({@link #toPool}) and keeps its fields.
   *
   * @throws InvalidSpecException listing every problem
   */
  public static Made<EgressPool> makePool(RawSpec spec) {
    return new Made<>(toPool(spec), spec.location(), spec.fields());
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
