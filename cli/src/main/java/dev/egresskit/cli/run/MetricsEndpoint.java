package dev.egresskit.cli.run;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.egresskit.cli.options.Endpoints;
import dev.egresskit.cli.output.JobFailedException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Serves the run's meters as Prometheus text on {@code GET /metrics}, with the JDK's own HTTP
 * server (one thread; a scrape is cheap). Anything else gets 404, any other method 405.
 */
public final class MetricsEndpoint implements AutoCloseable {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  static {
    // The JDK server has no request/response time limits by default; a stalled scraper must
    // not hold the thread forever. Read once, when the server classes initialise.
    System.setProperty("sun.net.httpserver.maxReqTime",
        System.getProperty("sun.net.httpserver.maxReqTime", "10"));
    System.setProperty("sun.net.httpserver.maxRspTime",
        System.getProperty("sun.net.httpserver.maxRspTime", "10"));
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving {@code registry} on {@code listen}.
   *
   * @throws JobFailedException if the address cannot be bound
   */
  public static MetricsEndpoint start(InetSocketAddress listen, PrometheusMeterRegistry registry) {
    HttpServer server;
    try {
      server = HttpServer.create(listen, 16);
    } catch (IOException e) {
      throw new JobFailedException("--metrics " + Endpoints.format(listen) + ": cannot listen: "
          + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "egresskit-metrics");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", exchange -> respond(exchange, registry));
    server.start();
    return new MetricsEndpoint(server, executor);
  }

  private static void respond(HttpExchange exchange, PrometheusMeterRegistry registry)
      throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!path.equals("/metrics")) {
        send(exchange, 404, "not found: try /metrics\n");
      } else if (!exchange.getRequestMethod().equals("GET")
          && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "method not allowed\n");
      } else {
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        send(exchange, 200, registry.scrape());
      }
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Where the endpoint listens (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
