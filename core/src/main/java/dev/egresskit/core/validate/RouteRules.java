package dev.egresskit.core.validate;

import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.grammar.ProxyServers;
import dev.egresskit.core.grammar.RustText;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Secret;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

/**
 * EgressKit's cross-field rules for the connect route (see {@link EgressSpecs}). They look at
 * which keys are <em>present</em>, so a malformed value is reported once, by its field, and not
 * again as a missing half of a proxy config.
 */
final class RouteRules {
  private RouteRules() {}

  /** Adds a problem per broken rule; returns {@code true} when none was broken. */
  static boolean check(FieldReader in, Map<String, Object> raw, InetAddress source,
      ProxyServer haServer, ProxyServer socksServer) {
    int before = in.problems().size();
    boolean haS = raw.containsKey("ha_proxy_server");
    boolean haA = raw.containsKey("ha_proxy_source_address");
    boolean s5S = raw.containsKey("socks5_proxy_server");
    boolean s5A = raw.containsKey("socks5_proxy_source_address");
    boolean user = raw.containsKey("socks5_proxy_username");
    boolean pass = raw.containsKey("socks5_proxy_password");
    String haBoth = "set ha_proxy_server and ha_proxy_source_address together, or neither";
    if (haS && !haA) {
      in.problem("ha_proxy_server", shown(raw, "ha_proxy_server"),
          "ha_proxy_server is set but ha_proxy_source_address is not; KumoMTA would silently"
              + " connect directly (EgressKit rule)", haBoth);
    }
    if (haA && !haS) {
      in.problem("ha_proxy_source_address", shown(raw, "ha_proxy_source_address"),
          "ha_proxy_source_address is set but ha_proxy_server is not; KumoMTA would silently"
              + " connect directly (EgressKit rule)", haBoth);
    }
    if (s5A && !s5S) {
      in.problem("socks5_proxy_source_address", shown(raw, "socks5_proxy_source_address"),
          "socks5_proxy_source_address is set but socks5_proxy_server is not; KumoMTA would"
              + " silently connect directly (EgressKit rule)",
          "set socks5_proxy_server too (socks5_proxy_server alone means a plain SOCKS5 CONNECT),"
              + " or remove socks5_proxy_source_address");
    }
    String credsBoth = "set socks5_proxy_username and socks5_proxy_password together, or neither";
    if (user && !pass) {
      in.problem("socks5_proxy_username", shown(raw, "socks5_proxy_username"),
          "socks5_proxy_username is set but socks5_proxy_password is not; KumoMTA would silently"
              + " offer no authentication (EgressKit rule)", credsBoth);
    }
    if (pass && !user) {
      in.problem("socks5_proxy_password", Optional.of(Secret.REDACTED),
          "socks5_proxy_password is set but socks5_proxy_username is not; KumoMTA would silently"
              + " offer no authentication (EgressKit rule)", credsBoth);
    }
    if ((user || pass) && !s5S) {
      String field = user ? "socks5_proxy_username" : "socks5_proxy_password";
      in.problem(field, user ? shown(raw, field) : Optional.of(Secret.REDACTED),
          "SOCKS5 credentials are set but socks5_proxy_server is not; they would never be used"
              + " (EgressKit rule)", "set socks5_proxy_server, or remove the credentials");
    }
    boolean tls = raw.containsKey("socks5_proxy_tls");
    boolean tlsCa = raw.containsKey("socks5_proxy_tls_ca");
    if (tls && !s5S) {
      in.problem("socks5_proxy_tls", shown(raw, "socks5_proxy_tls"),
          "socks5_proxy_tls is set but socks5_proxy_server is not; there is no proxy connection"
              + " to protect (EgressKit rule)",
          "set socks5_proxy_server too, or remove socks5_proxy_tls");
    }
    if (tlsCa && !Boolean.TRUE.equals(raw.get("socks5_proxy_tls"))) {
      in.problem("socks5_proxy_tls_ca", shown(raw, "socks5_proxy_tls_ca"),
          "socks5_proxy_tls_ca is set but socks5_proxy_tls is not true; the certificates would"
              + " never be used (EgressKit rule)",
          "set socks5_proxy_tls = true, or remove socks5_proxy_tls_ca");
    }
    if (haS && haA && s5S) {
      in.problem("", Optional.empty(),
          "both a complete HAProxy config (ha_proxy_server, ha_proxy_source_address) and a SOCKS5"
              + " config (socks5_proxy_server) are set; KumoMTA would silently use HAProxy"
              + " (EgressKit rule)",
          "configure at most one proxy: either the ha_proxy_* fields or the socks5_proxy_* fields");
    }
    if (source != null) {
      family(in, raw, source, "ha_proxy_server", haServer);
      family(in, raw, source, "socks5_proxy_server", socksServer);
    }
    return in.problems().size() == before;
  }

  private static void family(FieldReader in, Map<String, Object> raw, InetAddress source,
      String field, ProxyServer server) {
    if (!(server instanceof ProxyServer.IpLiteral literal)) {
      return;
    }
    boolean sourceV4 = IpLiterals.isIpv4(source);
    if (sourceV4 == IpLiterals.isIpv4(literal.address())) {
      return;
    }
    in.problem("source_address", shown(raw, "source_address"),
        "source_address " + IpLiterals.format(source) + " is " + (sourceV4 ? "IPv4" : "IPv6")
            + " but " + field + " " + ProxyServers.format(server) + " is "
            + (sourceV4 ? "IPv6" : "IPv4")
            + ": a socket bound to it could never reach the proxy (EgressKit rule)",
        "a source_address of the same address family as " + field + ", or no source_address");
  }

  private static Optional<String> shown(Map<String, Object> raw, String key) {
    return Optional.of(RustText.show(raw.get(key)));
  }
}
