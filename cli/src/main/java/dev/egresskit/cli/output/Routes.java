package dev.egresskit.cli.output;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.resolve.SourceViews;
import java.util.Map;

/** Short human descriptions of a source's route, for tables. */
public final class Routes {
  private Routes() {}

  /** {@code direct}, {@code haproxy}, {@code socks5 bind+connect} or {@code socks5 connect}. */
  public static String kind(Route route) {
    if (route instanceof Route.Direct) {
      return "direct";
    }
    if (route instanceof Route.HaProxy) {
      return "haproxy";
    }
    Route.Socks5 socks = (Route.Socks5) route;
    return socks.sourceAddress().isPresent() ? "socks5 bind+connect" : "socks5 connect";
  }

  /**
   * Where the route goes and as whom: {@code via 127.0.0.1:5000 as 127.0.0.3} for HAProxy,
   * {@code via 127.0.0.1:1080 bind 127.0.0.4 user alice} for SOCKS5 (then {@code tls} and
   * {@code ca FILE} with {@code socks5_proxy_tls}), {@code -} for direct.
   * Built from the serialised view so the text matches {@code --json} (and never has secrets).
   */
  public static String via(EgressSource source) {
    Map<String, Object> view = SourceViews.sourceView(source);
    Route route = source.route();
    if (route instanceof Route.HaProxy) {
      return "via " + view.get("ha_proxy_server") + " as " + view.get("ha_proxy_source_address");
    }
    if (route instanceof Route.Socks5) {
      StringBuilder out = new StringBuilder("via ").append(view.get("socks5_proxy_server"));
      Object bind = view.get("socks5_proxy_source_address");
      if (bind != null) {
        out.append(" bind ").append(bind);
      }
      Object user = view.get("socks5_proxy_username");
      if (user != null) {
        out.append(" user ").append(user);
      }
      if (Boolean.TRUE.equals(view.get("socks5_proxy_tls"))) {
        Object ca = view.get("socks5_proxy_tls_ca");
        out.append(" tls").append(ca == null ? "" : " ca " + ca);
      }
      return out.toString();
    }
    return "-";
  }

  /** The local bind address ({@code source_address}) or {@code -}. */
  public static String bind(EgressSource source) {
    Object address = SourceViews.sourceView(source).get("source_address");
    return address == null ? "-" : address.toString();
  }
}
