package dev.egresskit.cli.run;

import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.cli.output.Io;
import dev.egresskit.cli.output.JobFailedException;
import dev.egresskit.http.HttpAnswer;
import dev.egresskit.http.HttpEndpointServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;

/**
 * Serves the run's meters as Prometheus text on {@code GET /metrics}, with EgressKit's HTTP
 * server (a timeout for every phase of a request, bounded connections): anything else gets
 * 404, any other method 405.
 */
public final class MetricsEndpoint implements AutoCloseable {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpEndpointServer server;

  private MetricsEndpoint(HttpEndpointServer server) {
    this.server = server;
  }

  /**
   * Starts serving {@code registry} on {@code listen} and says where on the error stream,
   * with a warning when that is beyond loopback.
   *
   * @throws JobFailedException if the address cannot be bound
   */
  public static MetricsEndpoint start(InetSocketAddress listen, PrometheusMeterRegistry registry, Io io) {
    HttpEndpointServer server = HttpEndpointServer.builder()
        .listen(listen)
        .endpoint("/metrics", exchange -> HttpAnswer.text(200, CONTENT_TYPE, registry.scrape()))
        .threadName("egresskit-metrics")
        .build();
    try {
      server.start();
    } catch (IllegalStateException e) {
      throw new JobFailedException("--metrics " + Endpoints.format(listen) + ": " + e.getMessage(), e);
    }
    MetricsEndpoint endpoint = new MetricsEndpoint(server);
    io.err().println("metrics on http://" + Endpoints.format(endpoint.address()) + "/metrics");
    if (server.listensBeyondLoopback()) {
      io.err().println("warning: --metrics " + Endpoints.format(listen) + " listens beyond"
          + " loopback: anyone who can reach it can read the meters (there is no"
          + " authentication); use a loopback address or a firewall");
    }
    io.lifecycle().started("metrics", endpoint.address());
    return endpoint;
  }

  /** Where the endpoint listens (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.address();
  }

  @Override
  public void close() {
    server.close();
  }
}
