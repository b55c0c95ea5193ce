package dev.egresskit.cli.proxy;

import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.cli.output.BadInputException;
import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.output.JobFailedException;
import dev.egresskit.cli.run.AssembledRun;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.support.PooledPolicyEngine;
import dev.egresskit.core.policy.HttpListenerSpec;
import dev.egresskit.core.policy.ProxyListenerSpec;
import dev.egresskit.core.text.Printable;
import dev.egresskit.http.HttpEndpointServer;
import dev.egresskit.proxy.PolicyAuthenticator;
import dev.egresskit.proxy.ProxyListenerSetup;
import dev.egresskit.proxy.Socks5ProxyServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code egresskit proxy --policy FILE}: KumoProxy's start-up. The policy's {@code proxy_init}
 * runs once; every listener it asked for ({@code proxy.start_proxy_listener},
 * {@code proxy.start_http_listener}) starts; a {@code proxy_server_auth_rfc1929} handler decides
 * RFC 1929 attempts on every SOCKS5 listener.
 */
final class PolicyProxy {
  /** The SOCKS5 and HTTP servers started, and the lines of {@code /proxy/status}. */
  record Started(List<Socks5ProxyServer> proxies, List<HttpEndpointServer> http) {}

  private PolicyProxy() {}

  /**
   * Loads nothing itself: fires {@code proxy_init} on {@code engine} and starts what it asked
   * for, each server owned by {@code session}.
   *
   * @param restrict EgressKit's own restrictions from flags, applied to every SOCKS5 listener
   * @param allowAnonymous whether a listener beyond loopback may go without require_auth
   * @throws BadInputException if the policy asks for nothing or for something impossible
   * @throws JobFailedException if a listener cannot be bound
   */
  static Started start(PolicyEngine engine, AssembledRun session, Io io,
      Consumer<Socks5ProxyServer.Builder> restrict, boolean allowAnonymous) {
    engine.fire("proxy_init");
    List<ProxyListenerSpec> listeners = engine.usage().proxyListeners();
    List<HttpListenerSpec> httpListeners = engine.usage().httpListeners();
    if (listeners.isEmpty()) {
      throw new BadInputException(engine.scriptName() + ": proxy_init started no listener:"
          + " call proxy.start_proxy_listener { listen = '127.0.0.1:1080' } in"
          + " kumo.on('proxy_init', function() ... end)"
          + (engine.handles("proxy_init") ? "" : " (the policy has no proxy_init handler)"));
    }
    boolean scripted = engine.handles(PolicyAuthenticator.EVENT);
    if (scripted && engine instanceof PooledPolicyEngine<?> pooled) {
      // Load the whole pool now: the first clients must not wait for interpreters to load.
      while (pooled.preloadInterpreter()) {
        // one more loaded
      }
    }
    for (ProxyListenerSpec spec : listeners) {
      if (spec.requireAuth() && !scripted) {
        throw new BadInputException(spec.where() + ": proxy.start_proxy_listener: require_auth"
            + " = true needs a kumo.on('" + PolicyAuthenticator.EVENT + "', function(username,"
            + " password, conn_meta) ... end) handler: no client could authenticate otherwise");
      }
      if (!spec.listen().getAddress().isLoopbackAddress() && !spec.requireAuth()
          && !allowAnonymous) {
        throw new BadInputException(spec.where() + ": refusing to listen on "
            + Endpoints.format(spec.listen()) + " without require_auth = true: anyone who can"
            + " reach it could send mail from your addresses. Add --allow-anonymous if only"
            + " trusted hosts can reach it.");
      }
    }
    List<Socks5ProxyServer> proxies = new ArrayList<>();
    List<String> status = new ArrayList<>();
    int n = 0;
    for (ProxyListenerSpec spec : listeners) {
      n++;
      Socks5ProxyServer.Builder builder = session.get(Socks5ProxyServer.Builder.class);
      try {
        ProxyListenerSetup.apply(builder, spec);
      } catch (IllegalArgumentException e) {
        throw new BadInputException(spec.where() + ": proxy.start_proxy_listener: "
            + Printable.escape(String.valueOf(e.getMessage())), e);
      }
      if (scripted) {
        builder.authenticator(new PolicyAuthenticator(engine));
      }
      restrict.accept(builder);
      Socks5ProxyServer proxy;
      try {
        proxy = session.own(builder.build().start());
      } catch (IllegalStateException e) {
        throw new JobFailedException(spec.where() + ": proxy: " + e.getMessage(), e);
      }
      proxies.add(proxy);
      // Closed one after another on Ctrl-C / SIGTERM, each letting its open relays finish.
      io.lifecycle().addStopTime(proxy.closeTime());
      String line = "SOCKS5 proxy listening on " + Endpoints.format(proxy.address()) + " ("
          + (spec.useTls() ? "TLS, " : "") + (spec.requireAuth() ? "authentication required"
              : scripted ? "authentication optional" : "no authentication")
          + (scripted ? " by " + PolicyAuthenticator.EVENT : "") + ", " + proxy.transport()
          + ", use_splice=" + spec.useSplice() + " relay="
          + (ProxyListenerSetup.spliceWanted(spec) && proxy.transport().equals("epoll")
              ? "splice" : "copy")
          + (proxy.refusesLocalDestinations() ? "; local destinations refused" : "") + ") from "
          + spec.where();
      status.add(line);
      io.err().println(line);
      io.lifecycle().started("proxy-" + n, proxy.address());
    }
    List<HttpEndpointServer> http = new ArrayList<>();
    PrometheusMeterRegistry registry = session.get(PrometheusMeterRegistry.class);
    String statusText = "ok\n" + String.join("\n", status) + "\n";
    n = 0;
    for (HttpListenerSpec spec : httpListeners) {
      n++;
      HttpEndpointServer server = ProxyHttpListener.build(spec, registry, () -> statusText);
      try {
        server.start();
      } catch (IllegalStateException e) {
        throw new JobFailedException(spec.where() + ": proxy.start_http_listener: "
            + e.getMessage(), e);
      }
      session.own(server);
      http.add(server);
      io.err().println("HTTP listener on http://" + Endpoints.format(server.address())
          + " (/metrics, /proxy/status; trusted hosts " + spec.trustedHosts() + ") from "
          + spec.where());
      io.lifecycle().started("http-" + n, server.address());
    }
    return new Started(proxies, http);
  }
}
