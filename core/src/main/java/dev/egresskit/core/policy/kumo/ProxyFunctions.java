package dev.egresskit.core.policy.kumo;

/**
 * KumoProxy's listener functions: {@code proxy.start_proxy_listener} and
 * {@code proxy.start_http_listener} (Lua's {@code require 'proxy'}, JavaScript's
 * {@code kumo.proxy}), and their {@code kumo.start_proxy_listener} /
 * {@code kumo.start_http_listener} aliases. Called from the {@code proxy_init} handler, they
 * validate their table and record the listener in
 * {@link dev.egresskit.core.policy.PolicyUsage} for {@code egresskit proxy} to start.
 * Elsewhere the {@code proxy.*} names still validate (a proxy policy's mistake shows in
 * {@code egresskit check}), while the {@code kumo.*} aliases stay inert: in an MTA policy
 * {@code kumo.start_http_listener} configures kumod's own HTTP service, which is not EgressKit's.
 */
final class ProxyFunctions {
  private static final String PROXY_INIT = "proxy_init";

  private ProxyFunctions() {}

  static void register(KumoLibrary.Builder b) {
    b.real("proxy.start_proxy_listener", (a, c) -> proxyListener(a, c, true));
    b.real("proxy.start_http_listener", (a, c) -> httpListener(a, c, true));
    b.real("start_proxy_listener", (a, c) -> proxyListener(a, c, false));
    b.real("start_http_listener", (a, c) -> httpListener(a, c, false));
  }

  private static Object proxyListener(Args a, KumoContext c, boolean proxyModule) {
    boolean init = inProxyInit(c);
    if (!proxyModule && !init) {
      c.usage().inertCall(a.function(), c.here());
      return null;
    }
    var spec = ProxyPolicyFields.proxyListener(a.table(0, "PARAMS"), c.here(), c.files());
    if (init) {
      c.usage().proxyListener(spec);
    }
    return null;
  }

  private static Object httpListener(Args a, KumoContext c, boolean proxyModule) {
    boolean init = inProxyInit(c);
    if (!proxyModule && !init) {
      c.usage().inertCall(a.function(), c.here());
      return null;
    }
    var spec = ProxyPolicyFields.httpListener(a.table(0, "PARAMS"), c.here());
    if (init) {
      c.usage().httpListener(spec);
    }
    return null;
  }

  private static boolean inProxyInit(KumoContext c) {
    return c.runningEvent().filter(PROXY_INIT::equals).isPresent();
  }
}
