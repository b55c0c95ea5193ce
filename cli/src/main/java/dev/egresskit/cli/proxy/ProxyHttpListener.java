package dev.egresskit.cli.proxy;

import dev.egresskit.cli.run.MetricsEndpoint;
import dev.egresskit.core.policy.HttpListenerSpec;
import dev.egresskit.http.HttpAnswer;
import dev.egresskit.http.HttpEndpointServer;
import dev.egresskit.proxy.Cidr;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code proxy.start_http_listener}: KumoProxy's {@code /metrics} (Prometheus text) and
 * {@code /proxy/status}, on EgressKit's HTTP server, answered only to {@code trusted_hosts}
 * (others get {@code 403}; KumoMTA would ask them for HTTP authentication, which EgressKit does
 * not have).
 */
final class ProxyHttpListener {
  private ProxyHttpListener() {}

  /**
   * Builds (does not start) the server for {@code spec}.
   *
   * @param status the text of {@code /proxy/status}, asked at each request
   */
  static HttpEndpointServer build(HttpListenerSpec spec, PrometheusMeterRegistry registry,
      Supplier<String> status) {
    List<Cidr> trusted = spec.trustedHosts().stream().map(Cidr::parse).toList();
    return HttpEndpointServer.builder()
        .listen(spec.listen())
        .trustedClients(address -> trusted(trusted, address))
        .endpoint("/metrics", exchange ->
            HttpAnswer.text(200, MetricsEndpoint.CONTENT_TYPE, registry.scrape()))
        .endpoint("/proxy/status", exchange -> HttpAnswer.text(200, HttpAnswer.TEXT, status.get()))
        .threadName("egresskit-proxy-http")
        .build();
  }

  private static boolean trusted(List<Cidr> trusted, InetAddress address) {
    for (Cidr cidr : trusted) {
      if (cidr.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
