package dev.egresskit.core.policy.kumo;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.policy.HttpListenerSpec;
import dev.egresskit.core.policy.ProxyListenerSpec;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.policy.TcpKeepalive;
import dev.egresskit.core.policy.TlsIdentity;
import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.policy.support.PolicyFiles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the tables of {@code proxy.start_proxy_listener} and {@code proxy.start_http_listener}
 * strictly, as KumoProxy does: every documented key with KumoMTA's default, its duration grammar,
 * and an error for any other key naming it and the allowed ones. Errors are
 * {@link KumoApiException}s, which the bindings report at the calling script line.
 */
public final class ProxyPolicyFields {

  /** The function names as KumoMTA documents them. */
  public static final String PROXY_FUNCTION = "proxy.start_proxy_listener";
  public static final String HTTP_FUNCTION = "proxy.start_http_listener";

  /** Every key of {@code start_proxy_listener}, in the documentation's order. */
  public static final List<String> PROXY_KEYS = List.of("listen", "hostname", "timeout",
      "use_splice", "use_tls", "require_auth", "tls_certificate", "tls_private_key",
      "tcp_keepalive");
  /** Every key of {@code tcp_keepalive}. */
  public static final List<String> KEEPALIVE_KEYS = List.of("enabled", "time", "interval",
      "retries");
  /** The keys of {@code start_http_listener} EgressKit supports. */
  public static final List<String> HTTP_KEYS = List.of("listen", "trusted_hosts");
  /** The keys of {@code start_http_listener} KumoMTA documents that EgressKit refuses. */
  public static final List<String> HTTP_UNSUPPORTED_KEYS = List.of("hostname", "use_tls",
      "tls_certificate", "tls_private_key", "request_body_limit");

  /** KumoMTA's default HTTP listen address. */
  public static final String DEFAULT_HTTP_LISTEN = "127.0.0.1:8000";

  private ProxyPolicyFields() {}

  /**
   * Reads a {@code start_proxy_listener} table.
   *
   * @param fields the table, as language-neutral values
   * @param where the call
   * @param files the policy's read rule (certificate and key files)
   * @return the listener
   * @throws KumoApiException naming the field and the allowed form
   */
  public static ProxyListenerSpec proxyListener(Map<String, Object> fields, ScriptLocation where,
      PolicyFiles files) {
    unknownKeys(PROXY_FUNCTION, "", fields, PROXY_KEYS, List.of());
    InetSocketAddress listen = listen(PROXY_FUNCTION, required(PROXY_FUNCTION, fields, "listen"));
    String host = fields.get("hostname") == null ? ProxyListenerSpec.systemHostname()
        : string(PROXY_FUNCTION, "hostname", fields.get("hostname"));
    if (host.isBlank()) {
      throw new KumoApiException(PROXY_FUNCTION + ": hostname is empty: expected a host name");
    }
    Duration timeout = fields.get("timeout") == null ? ProxyListenerSpec.DEFAULT_TIMEOUT
        : duration(PROXY_FUNCTION, "timeout", fields.get("timeout"));
    if (timeout.isZero()) {
      throw new KumoApiException(PROXY_FUNCTION + ": timeout is 0: expected a positive duration");
    }
    boolean splice = bool(PROXY_FUNCTION, "use_splice", fields.get("use_splice"), true);
    boolean tls = bool(PROXY_FUNCTION, "use_tls", fields.get("use_tls"), false);
    boolean auth = bool(PROXY_FUNCTION, "require_auth", fields.get("require_auth"), false);
    TlsIdentity identity = identity(fields.get("tls_certificate"), fields.get("tls_private_key"),
        files);
    TcpKeepalive keepalive = keepalive(fields.get("tcp_keepalive"));
    return new ProxyListenerSpec(listen, host, timeout, splice, tls, auth, identity, keepalive,
        where);
  }

  /**
   * Reads a {@code start_http_listener} table: {@code listen} and {@code trusted_hosts}; the
   * other keys KumoMTA documents are refused by name.
   *
   * @param fields the table
   * @param where the call
   * @return the listener
   * @throws KumoApiException naming the field and the allowed form
   */
  public static HttpListenerSpec httpListener(Map<String, Object> fields, ScriptLocation where) {
    unknownKeys(HTTP_FUNCTION, "", fields, HTTP_KEYS, HTTP_UNSUPPORTED_KEYS);
    Object listenValue = fields.get("listen");
    InetSocketAddress listen = listen(HTTP_FUNCTION,
        listenValue == null ? DEFAULT_HTTP_LISTEN : listenValue);
    List<String> trusted = HttpListenerSpec.DEFAULT_TRUSTED;
    Object hosts = fields.get("trusted_hosts");
    if (hosts != null) {
      if (!(hosts instanceof List<?> list)) {
        throw new KumoApiException(HTTP_FUNCTION + ": trusted_hosts must be a list of IP"
            + " literals or CIDR networks, got " + Values.describe(hosts));
      }
      trusted = new ArrayList<>();
      int i = 1;
      for (Object item : list) {
        String text = string(HTTP_FUNCTION, "trusted_hosts[" + i + "]", item);
        checkCidr("trusted_hosts[" + i + "]", text);
        trusted.add(text.strip());
        i++;
      }
    }
    return new HttpListenerSpec(listen, trusted, where);
  }

  /**
   * Parses a listen address: {@code ip:port} or {@code [ipv6]:port}, an IP literal (never a
   * name).
   *
   * @param function the function, for the message
   * @param value the raw value
   * @return the address
   * @throws KumoApiException when it is not of that form
   */
  public static InetSocketAddress listen(String function, Object value) {
    String text = string(function, "listen", value).strip();
    int colon = text.lastIndexOf(':');
    String form = ": expected <ip>:<port> such as 0.0.0.0:1080 or [::1]:1080";
    if (colon <= 0) {
      throw new KumoApiException(function + ": listen \"" + text + "\" has no port" + form);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new KumoApiException(function + ": listen \"" + text + "\": an IPv6 address needs"
          + " brackets" + form);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new KumoApiException(function + ": listen \"" + text + "\" has a bad port" + form);
    }
    if (port < 0 || port > 65535) {
      throw new KumoApiException(function + ": listen \"" + text + "\": port out of range" + form);
    }
    try {
      return new InetSocketAddress(IpLiterals.parse(host), port);
    } catch (IllegalArgumentException e) {
      throw new KumoApiException(function + ": listen \"" + text + "\": " + e.getMessage() + form);
    }
  }

  private static void unknownKeys(String function, String prefix, Map<String, Object> fields,
      List<String> allowed, List<String> unsupported) {
    Set<String> unknown = new TreeSet<>();
    Set<String> refused = new TreeSet<>();
    for (String key : fields.keySet()) {
      if (unsupported.contains(key)) {
        refused.add(prefix + key);
      } else if (!allowed.contains(key)) {
        unknown.add(prefix + key);
      }
    }
    if (!refused.isEmpty()) {
      throw new KumoApiException(function + ": " + String.join(", ", refused)
          + (refused.size() == 1 ? " is" : " are") + " not supported by EgressKit (KumoMTA"
          + " documents them; EgressKit's HTTP listener is plain HTTP without authentication);"
          + " supported fields: " + String.join(", ", allowed));
    }
    if (!unknown.isEmpty()) {
      throw new KumoApiException(function + ": unknown field" + (unknown.size() == 1 ? " " : "s ")
          + String.join(", ", unknown) + "; allowed fields: " + prefix.replace(".", "")
          + (prefix.isEmpty() ? "" : " {") + String.join(", ", allowed)
          + (prefix.isEmpty() ? "" : "}"));
    }
  }

  private static TcpKeepalive keepalive(Object value) {
    if (value == null) {
      return TcpKeepalive.DEFAULTS;
    }
    Map<String, Object> table = table(PROXY_FUNCTION, "tcp_keepalive", value);
    unknownKeys(PROXY_FUNCTION, "tcp_keepalive.", table, KEEPALIVE_KEYS, List.of());
    TcpKeepalive d = TcpKeepalive.DEFAULTS;
    boolean enabled = bool(PROXY_FUNCTION, "tcp_keepalive.enabled", table.get("enabled"), true);
    Duration time = table.get("time") == null ? d.time()
        : duration(PROXY_FUNCTION, "tcp_keepalive.time", table.get("time"));
    Duration interval = table.get("interval") == null ? d.interval()
        : duration(PROXY_FUNCTION, "tcp_keepalive.interval", table.get("interval"));
    long retries = d.retries();
    Object r = table.get("retries");
    if (r != null) {
      if (!(r instanceof Long l)) {
        throw new KumoApiException(PROXY_FUNCTION + ": tcp_keepalive.retries must be a whole"
            + " number, got " + Values.describe(r));
      }
      retries = l;
    }
    try {
      return new TcpKeepalive(enabled, time, interval, (int) Math.max(Math.min(retries, 1000), -1));
    } catch (IllegalArgumentException e) {
      throw new KumoApiException(PROXY_FUNCTION + ": tcp_keepalive." + e.getMessage());
    }
  }

  private static TlsIdentity identity(Object certificate, Object key, PolicyFiles files) {
    if (certificate == null && key == null) {
      return null;
    }
    if (certificate == null || key == null) {
      throw new KumoApiException(PROXY_FUNCTION + ": " + (certificate == null
          ? "tls_private_key without tls_certificate" : "tls_certificate without tls_private_key")
          + ": give both, or neither for a self-signed certificate");
    }
    String[] cert = keySource("tls_certificate", certificate, files);
    String[] pk = keySource("tls_private_key", key, files);
    return new TlsIdentity(cert[0], pk[0], "certificate " + cert[1] + ", key " + pk[1]);
  }

  /** A KumoMTA KeySource: a file path, or {@code {key_data = "..."}}; returns text and origin. */
  private static String[] keySource(String field, Object value, PolicyFiles files) {
    if (value instanceof String path) {
      return new String[] {files.readText(PROXY_FUNCTION + " " + field, path), path};
    }
    if (value instanceof Map<?, ?> map) {
      if (map.containsKey("vault_mount") || map.containsKey("vault_path")) {
        throw new KumoApiException(PROXY_FUNCTION + ": " + field + " from HashiCorp Vault is not"
            + " supported by EgressKit: give a file path or {key_data = '<PEM>'}");
      }
      if (map.size() == 1 && map.get("key_data") instanceof String data) {
        return new String[] {data, "inline " + field};
      }
    }
    throw new KumoApiException(PROXY_FUNCTION + ": " + field + " must be a file path or"
        + " {key_data = '<PEM>'}, got " + Values.describe(value));
  }

  private static void checkCidr(String field, String text) {
    String t = text.strip();
    int slash = t.indexOf('/');
    String ip = slash < 0 ? t : t.substring(0, slash);
    String form = ": expected an IP literal or <ip>/<prefix> such as 10.0.0.0/8 or ::1";
    InetAddress address;
    try {
      address = IpLiterals.parse(ip);
    } catch (IllegalArgumentException e) {
      throw new KumoApiException(HTTP_FUNCTION + ": " + field + " \"" + text + "\": "
          + e.getMessage() + form);
    }
    if (slash >= 0) {
      int max = address.getAddress().length * 8;
      int prefix;
      try {
        prefix = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > max) {
        throw new KumoApiException(HTTP_FUNCTION + ": " + field + " \"" + text + "\": prefix"
            + " must be 0 to " + max + form);
      }
    }
  }

  private static Object required(String function, Map<String, Object> fields, String key) {
    Object value = fields.get(key);
    if (value == null) {
      throw new KumoApiException(function + ": missing field " + key);
    }
    return value;
  }

  private static String string(String function, String field, Object value) {
    if (value instanceof String s) {
      return s;
    }
    throw new KumoApiException(function + ": " + field + " must be a string, got "
        + Values.describe(value));
  }

  private static boolean bool(String function, String field, Object value, boolean fallback) {
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw new KumoApiException(function + ": " + field + " must be true or false, got "
        + Values.describe(value));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> table(String function, String field, Object value) {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    if (value instanceof List<?> list && list.isEmpty()) {
      return Map.of();
    }
    throw new KumoApiException(function + ": " + field + " must be a table of named fields, got "
        + Values.describe(value));
  }

  private static Duration duration(String function, String field, Object value) {
    try {
      return Durations.fromValue(value);
    } catch (IllegalArgumentException e) {
      throw new KumoApiException(function + ": " + field + ": " + e.getMessage()
          + " (a number of seconds, or text such as '30 seconds' or '5m')");
    }
  }
}
