package dev.egresskit.core.resolve;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.HealthRules;
import dev.egresskit.core.model.PoolEntry;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.Secret;
import dev.egresskit.core.model.SuspendOnFailure;
import dev.egresskit.core.model.Trigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * KumoMTA's serialised form of sources and pools (what {@code kumo.invoke_get_egress_source}
 * returns, spec §6.1; also the CLI's {@code --json}): unmodifiable, insertion-ordered maps with
 * KumoMTA's field names in its declaration order, and only the fields that are set.
 *
 * <ul>
 *   <li>strings for names, addresses ({@code 10.0.0.1}, {@code 2001:db8::1}) and proxy servers
 *       ({@code 10.0.0.1:5000}, {@code [::1]:1080}, {@code proxy.example.com:1080});</li>
 *   <li>{@link Integer} for {@code remote_port}, {@link Long} for pool weights;</li>
 *   <li>durations ({@code ttl}, {@code duration}) as humantime strings ({@code "1m"},
 *       {@code "1h 30m"});</li>
 *   <li>{@code trigger} as {@code "Immediate"} or {@code {Threshold = "3/300s"}} (KumoMTA's
 *       printing of {@code "3/5m"});</li>
 *   <li>{@code socks5_proxy_password} always as {@code "<redacted>"}, whether inline or a file
 *       path.</li>
 * </ul>
 */
public final class SourceViews {
  private SourceViews() {}

  /**
   * The view of a source. Keys, in order: {@code name}, {@code ehlo_domain},
   * {@code source_address}, {@code remote_port}, {@code ha_proxy_server},
   * {@code ha_proxy_source_address}, {@code socks5_proxy_server},
   * {@code socks5_proxy_source_address}, {@code socks5_proxy_username},
   * {@code socks5_proxy_password}, {@code suspend_when_unplumbed},
   * {@code suspend_when_proxy_unhealthy}, {@code ttl}, then EgressKit's own
   * {@code socks5_proxy_tls} (only when true) and {@code socks5_proxy_tls_ca}.
   */
  public static Map<String, Object> sourceView(EgressSource source) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", source.name());
    source.ehloDomain().ifPresent(ehlo -> view.put("ehlo_domain", ehlo));
    source.sourceAddress().ifPresent(ip -> view.put("source_address", IpLiterals.format(ip)));
    source.remotePort().ifPresent(port -> view.put("remote_port", port));
    Route route = source.route();
    if (route instanceof Route.HaProxy ha) {
      view.put("ha_proxy_server", serverText(ha.server()));
      view.put("ha_proxy_source_address", IpLiterals.format(ha.sourceAddress()));
    } else if (route instanceof Route.Socks5 socks) {
      view.put("socks5_proxy_server", serverText(socks.server()));
      socks.sourceAddress()
          .ifPresent(ip -> view.put("socks5_proxy_source_address", IpLiterals.format(ip)));
      socks.credentials().ifPresent(credentials -> {
        view.put("socks5_proxy_username", credentials.username());
        view.put("socks5_proxy_password", Secret.REDACTED);
      });
    }
    HealthRules health = source.health();
    health.whenUnplumbed().ifPresent(rule -> view.put("suspend_when_unplumbed", ruleView(rule)));
    health.whenProxyUnhealthy()
        .ifPresent(rule -> view.put("suspend_when_proxy_unhealthy", ruleView(rule)));
    view.put("ttl", Durations.format(source.ttl()));
    if (route instanceof Route.Socks5 socks && socks.tls().isPresent()) {
      view.put("socks5_proxy_tls", true);
      socks.tls().get().caFile()
          .ifPresent(path -> view.put("socks5_proxy_tls_ca", path.toString()));
    }
    return Collections.unmodifiableMap(view);
  }

  /**
   * The view of a pool: {@code name}, {@code entries} (a list of {@code {name, weight}} in
   * declaration order), {@code ttl}.
   */
  public static Map<String, Object> poolView(EgressPool pool) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", pool.name());
    List<Map<String, Object>> entries = new ArrayList<>(pool.entries().size());
    for (PoolEntry entry : pool.entries()) {
      Map<String, Object> entryView = new LinkedHashMap<>();
      entryView.put("name", entry.name());
      entryView.put("weight", entry.weight());
      entries.add(Collections.unmodifiableMap(entryView));
    }
    view.put("entries", Collections.unmodifiableList(entries));
    view.put("ttl", Durations.format(pool.ttl()));
    return Collections.unmodifiableMap(view);
  }

  /** A proxy server in KumoMTA's display form, with IPv6 in its short form. */
  static String serverText(ProxyServer server) {
    if (server instanceof ProxyServer.IpLiteral ip) {
      String host = IpLiterals.format(ip.address());
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + ip.port();
    }
    return server.toString();
  }

  private static Map<String, Object> ruleView(SuspendOnFailure rule) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("trigger", triggerView(rule.trigger()));
    view.put("duration", Durations.format(rule.duration()));
    return Collections.unmodifiableMap(view);
  }

  private static Object triggerView(Trigger trigger) {
    if (trigger instanceof Trigger.Threshold threshold) {
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("Threshold", threshold.limit() + "/" + periodText(threshold.period()));
      return Collections.unmodifiableMap(view);
    }
    return "Immediate";
  }

  /**
   * A threshold period as KumoMTA prints a ThrottleSpec: {@code d}, {@code h}, {@code m} or
   * {@code s} for exactly one day, hour, minute or second, otherwise the number of seconds
   * ({@code 300 s -> "300s"}, so {@code '3/5m'} prints as {@code 3/300s}). Periods are whole
   * seconds; a fraction is dropped (at least 1 s).
   */
  static String periodText(Duration period) {
    long seconds = Math.max(1, period.getSeconds());
    if (seconds == 86_400) {
      return "d";
    }
    if (seconds == 3_600) {
      return "h";
    }
    if (seconds == 60) {
      return "m";
    }
    return seconds == 1 ? "s" : seconds + "s";
  }
}
