package dev.egresskit.core.validate;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.grammar.EhloNames;
import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.grammar.ProxyServers;
import dev.egresskit.core.grammar.RustText;
import dev.egresskit.core.grammar.Thresholds;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Secret;
import dev.egresskit.core.model.SuspendOnFailure;
import dev.egresskit.core.model.Trigger;
import dev.egresskit.core.policy.FieldMaps;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.spec.Problem;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads typed fields out of raw spec tables and records a {@link Problem} for every bad one
 * instead of stopping. Each reader returns {@code null} when the field is absent or invalid; the
 * caller decides defaults. Secrets are never rendered: their problems show
 * {@link Secret#REDACTED}.
 */
final class FieldReader {
  static final String STRING_ALLOWED = "a string";
  static final String EHLO_ALLOWED = "a non-empty string without control characters or white"
      + " space: a host name, or an address literal such as [192.0.2.1]";
  /** RFC 1929: ULEN is one byte. */
  static final int MAX_USERNAME_BYTES = 255;
  static final String IP_ALLOWED = "an IP literal: IPv4 a.b.c.d (decimal octets, no leading"
      + " zeros) or IPv6 text such as 2001:db8::1 or ::ffff:192.0.2.1; no brackets, port, zone id"
      + " or host name";
  static final String PORT_ALLOWED = "an integer 1..65535 (KumoMTA also accepts 0; EgressKit"
      + " rejects it)";
  static final String PROXY_ALLOWED = "a.b.c.d:port, [a.b.c.d]:port, [ipv6]:port or host:port"
      + " with port 0..65535 (an unbracketed IPv6 address with a port is ambiguous and rejected;"
      + " Unix-domain socket paths are not supported)";
  static final String DURATION_ALLOWED = "a non-negative integer number of seconds, or a"
      + " humantime string such as \"90s\", \"5 mins\", \"1h 30m\", \"1h30m\", \"1.5h\" or \"0\""
      + " (units are case-sensitive: m = minute, M = month)";
  static final String PASSWORD_ALLOWED = "a file path string (the file is read at every"
      + " handshake) or {key_data = \"...\"}; Vault and event key sources are not supported";
  static final String TLS_ALLOWED = "true or false (default false): TLS to socks5_proxy_server"
      + " before the SOCKS5 greeting (EgressKit field; KumoMTA has none)";
  static final String TLS_CA_ALLOWED = "a file path string: a PEM file of the CA or proxy"
      + " certificates to trust instead of the JDK's trust store (EgressKit field; read under the"
      + " policy's read rule at every connection; needs socks5_proxy_tls = true)";
  static final String SUSPEND_ALLOWED = "a table {duration = <duration>, trigger = \"Immediate\""
      + " or {Threshold = \"N/period\"}} (trigger defaults to \"Immediate\")";
  static final String TRIGGER_ALLOWED = "\"Immediate\" or {Threshold = \"N/period\"}, e.g."
      + " {Threshold = \"3/5m\"}";
  static final String THRESHOLD_ALLOWED = "\"[local:]LIMIT/[N]UNIT[,max_burst=B]\" with LIMIT > 0"
      + " and UNIT one of s|sec|second, m|min|minute, h|hr|hour, d|day, e.g. \"3/5m\"";

  private static final List<String> SUSPEND_FIELDS = List.of("trigger", "duration");
  private static final List<String> KEY_SOURCE_FIELDS = List.of("key_data");
  private static final Set<String> UNSUPPORTED_KEY_SOURCE_FIELDS = Set.of("vault_mount",
      "vault_path", "vault_key", "vault_address", "vault_token", "event_name", "event_args");

  private final ScriptLocation location;
  private final List<Problem> problems = new ArrayList<>();

  FieldReader(ScriptLocation location) {
    this.location = location;
  }

  List<Problem> problems() {
    return problems;
  }

  void problem(String field, Optional<String> value, String reason, String allowed) {
    problems.add(new Problem(field, location, value, reason, allowed));
  }

  private void problem(String field, Object raw, String reason, String allowed) {
    problem(field, Optional.of(RustText.show(raw)), reason, allowed);
  }

  private void wrongType(String field, Object raw, String expected, String allowed) {
    problem(field, raw, "invalid type: " + RustText.unexpected(raw) + ", expected " + expected,
        allowed);
  }

  /** Bindings should only hand over the types RawSpec documents; widen the obvious others. */
  static Object normalise(Object value) {
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    return value;
  }

  private static boolean normalised(Map<?, ?> map) {
    for (Object v : map.values()) {
      if (v == null || normalise(v) != v) {
        return false;
      }
    }
    return true;
  }

  /** A nested table, with stringified keys; an empty list counts as an empty table (Lua {}). */
  static Map<String, Object> table(Object value) {
    if (value instanceof Map<?, ?> map && FieldMaps.isFrozen(map) && normalised(map)) {
      // Already an unmodifiable copy with string keys and no null values: nothing to redo.
      @SuppressWarnings("unchecked")
      Map<String, Object> fields = (Map<String, Object>) map;
      return fields;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> {
        if (v != null) {
          out.put(String.valueOf(k), normalise(v));
        }
      });
      return out;
    }
    if (value instanceof List<?> list && list.isEmpty()) {
      return new LinkedHashMap<>();
    }
    return null;
  }

  /** A list; an empty table counts as an empty list (Lua cannot tell {} apart). */
  static List<Object> list(Object value) {
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(normalise(v)));
      return out;
    }
    if (value instanceof Map<?, ?> map && map.isEmpty()) {
      return new ArrayList<>();
    }
    return null;
  }

  void unknownKeys(String prefix, Map<String, Object> table, List<String> known) {
    for (String key : table.keySet()) {
      if (!known.contains(key)) {
        // No value: a misspelt key may well hold a secret.
        problem(prefix + key, Optional.empty(),
            "unknown field `" + key + "`, " + RustText.oneOf(known),
            "only the known fields: " + String.join(", ", known));
      }
    }
  }

  void missing(String field, String name, String allowed) {
    problem(field, Optional.empty(), "missing field `" + name + "`", allowed);
  }

  String string(String field, Object raw, String allowed) {
    if (raw == null) {
      return null;
    }
    if (raw instanceof String s) {
      return s;
    }
    wrongType(field, raw, "a string", allowed);
    return null;
  }

  /**
   * {@code ehlo_domain}: any string that can be sent as the {@code EHLO} argument
   * ({@link EhloNames}).
   */
  String ehloDomain(String field, Object raw) {
    String name = string(field, raw, EHLO_ALLOWED);
    String why = name == null ? null : EhloNames.check(name);
    if (why != null) {
      problem(field, raw, "invalid value: " + RustText.unexpected(raw) + ", expected an EHLO name"
          + " that can be sent on the wire: " + why + " (EgressKit rule)", EHLO_ALLOWED);
      return null;
    }
    return name;
  }

  /**
   * {@code socks5_proxy_username}: sent as RFC 1929's UNAME, whose length is one byte. (An empty
   * name is sent as KumoMTA sends it; a proxy's own rules may accept it.)
   */
  String username(String field, Object raw, String allowed) {
    String name = string(field, raw, allowed);
    if (name == null) {
      return null;
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_USERNAME_BYTES) {
      problem(field, raw, "invalid value: " + RustText.unexpected(raw) + ", expected a user name"
          + " of at most " + MAX_USERNAME_BYTES + " bytes in UTF-8, as RFC 1929 carries it (this one"
          + " has " + bytes + "; EgressKit rule)", allowed);
      return null;
    }
    return name;
  }

  InetAddress ip(String field, Object raw) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String s)) {
      wrongType(field, raw, "IP address", IP_ALLOWED);
      return null;
    }
    try {
      return IpLiterals.parse(s);
    } catch (IllegalArgumentException e) {
      problem(field, raw, e.getMessage(), IP_ALLOWED);
      return null;
    }
  }

  Integer port(String field, Object raw) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof Long n)) {
      wrongType(field, raw, "u16", PORT_ALLOWED);
      return null;
    }
    if (n < 0 || n > 65535) {
      problem(field, raw, "invalid value: integer `" + n + "`, expected u16", PORT_ALLOWED);
      return null;
    }
    if (n == 0) {
      problem(field, raw, "invalid value: integer `0`, expected a port 1..65535 (EgressKit rule)",
          PORT_ALLOWED);
      return null;
    }
    return n.intValue();
  }

  /** An unsigned integer up to {@code max} (serde's {@code u32} and friends). */
  Long unsigned(String field, Object raw, long max, String rustType, String allowed) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof Long n)) {
      wrongType(field, raw, rustType, allowed);
      return null;
    }
    if (n < 0 || n > max) {
      problem(field, raw, "invalid value: integer `" + n + "`, expected " + rustType, allowed);
      return null;
    }
    return n;
  }

  ProxyServer proxy(String field, Object raw) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String s)) {
      wrongType(field, raw, "a string", PROXY_ALLOWED);
      return null;
    }
    try {
      return ProxyServers.parse(s);
    } catch (IllegalArgumentException e) {
      problem(field, raw, e.getMessage(), PROXY_ALLOWED);
      return null;
    }
  }

  Duration duration(String field, Object raw) {
    if (raw == null) {
      return null;
    }
    try {
      return Durations.fromValue(raw);
    } catch (IllegalArgumentException e) {
      problem(field, raw, e.getMessage(), DURATION_ALLOWED);
      return null;
    }
  }

  Boolean bool(String field, Object raw, String allowed) {
    if (raw == null) {
      return null;
    }
    if (raw instanceof Boolean b) {
      return b;
    }
    wrongType(field, raw, "a boolean", allowed);
    return null;
  }

  /** {@code socks5_proxy_tls_ca}: a non-empty path string; read later, at each connection. */
  Path path(String field, Object raw, String allowed) {
    String text = string(field, raw, allowed);
    if (text == null) {
      return null;
    }
    if (text.isEmpty()) {
      problem(field, raw, "an empty string is not a file path (EgressKit rule)", allowed);
      return null;
    }
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      problem(field, raw, "not a usable file path", allowed);
      return null;
    }
  }

  /** {@code socks5_proxy_password}: a KeySource. Never renders the value. */
  Secret secret(String field, Object raw) {
    if (raw == null) {
      return null;
    }
    Optional<String> redacted = Optional.of(Secret.REDACTED);
    if (raw instanceof String path) {
      if (path.isEmpty()) {
        problem(field, redacted, "an empty string is not a file path (EgressKit rule)",
            PASSWORD_ALLOWED);
        return null;
      }
      try {
        return new Secret.FileRef(Path.of(path));
      } catch (InvalidPathException e) {
        problem(field, redacted, "not a usable file path", PASSWORD_ALLOWED);
        return null;
      }
    }
    Map<String, Object> table = table(raw);
    if (table == null) {
      problem(field, redacted, "invalid type: " + RustText.unexpectedKind(raw)
          + ", expected a file path string or {key_data = ...}", PASSWORD_ALLOWED);
      return null;
    }
    List<String> unsupported = table.keySet().stream()
        .filter(UNSUPPORTED_KEY_SOURCE_FIELDS::contains).toList();
    if (!unsupported.isEmpty()) {
      problem(field, redacted, "key source form {" + String.join(", ", unsupported)
          + "} is not supported by EgressKit", PASSWORD_ALLOWED);
      return null;
    }
    int before = problems.size();
    unknownKeys(field + ".", table, KEY_SOURCE_FIELDS);
    Object data = table.get("key_data");
    if (data == null) {
      missing(field + ".key_data", "key_data", PASSWORD_ALLOWED);
    } else if (!(data instanceof String)) {
      problem(field + ".key_data", redacted, "invalid type: " + RustText.unexpectedKind(data)
          + ", expected a string", PASSWORD_ALLOWED);
    }
    return problems.size() == before ? new Secret.Inline((String) data) : null;
  }

  SuspendOnFailure suspend(String field, Object raw) {
    if (raw == null) {
      return null;
    }
    Map<String, Object> table = table(raw);
    if (table == null) {
      wrongType(field, raw, "struct SuspendOnFailure", SUSPEND_ALLOWED);
      return null;
    }
    int before = problems.size();
    unknownKeys(field + ".", table, SUSPEND_FIELDS);
    Trigger trigger = Trigger.Immediate.INSTANCE;
    if (table.containsKey("trigger")) {
      trigger = trigger(field + ".trigger", table.get("trigger"));
    }
    Duration duration = null;
    if (table.containsKey("duration")) {
      duration = duration(field + ".duration", table.get("duration"));
    } else {
      missing(field + ".duration", "duration", SUSPEND_ALLOWED);
    }
    if (problems.size() != before) {
      return null;
    }
    return new SuspendOnFailure(trigger, duration);
  }

  private Trigger trigger(String field, Object raw) {
    if (raw instanceof String s) {
      if (s.equals("Immediate")) {
        return Trigger.Immediate.INSTANCE;
      }
      problem(field, raw, s.equals("Threshold")
          ? "invalid type: unit variant, expected newtype variant"
          : "unknown variant `" + s + "`, expected `Immediate` or `Threshold`", TRIGGER_ALLOWED);
      return null;
    }
    Map<String, Object> table = table(raw);
    if (table == null || table.size() != 1) {
      problem(field, raw, "invalid type: " + RustText.unexpected(raw)
          + ", expected \"Immediate\" or a table with the single key Threshold", TRIGGER_ALLOWED);
      return null;
    }
    String variant = table.keySet().iterator().next();
    Object spec = table.get(variant);
    if (!variant.equals("Threshold")) {
      problem(field, raw, variant.equals("Immediate")
          ? "invalid type: newtype variant, expected unit variant"
          : "unknown variant `" + variant + "`, expected `Immediate` or `Threshold`",
          TRIGGER_ALLOWED);
      return null;
    }
    if (!(spec instanceof String text)) {
      wrongType(field + ".Threshold", spec, "a string", THRESHOLD_ALLOWED);
      return null;
    }
    try {
      return Thresholds.parse(text);
    } catch (IllegalArgumentException e) {
      problem(field + ".Threshold", spec, e.getMessage(), THRESHOLD_ALLOWED);
      return null;
    }
  }
}
