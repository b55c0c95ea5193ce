package dev.egresskit.http;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of an {@link HttpEndpointServer}: one timeout per phase of a request and how much
 * runs at once. A client that has not sent a complete request {@code request} after the
 * connection opened (or after the previous response) gets {@code 408} and is closed, whether it
 * sent nothing (an idle keep-alive connection) or half a request (slowloris); a handler that has
 * not answered within {@code handler} gets the client a {@code 503}; a response the client has
 * not read within {@code write} closes the connection.
 *
 * @param request how long a complete request may take to arrive
 * @param handler how long a handler may take to answer
 * @param write how long a response may take to be written
 * @param maxConnections connections open at once; more are closed at once
 * @param handlerThreads handlers that run at once (off the event loops)
 * @param maxRequestBytes the largest request line plus headers (and body) accepted ({@code 431}
 *     or {@code 413} beyond)
 */
public record HttpLimits(
    Duration request, Duration handler, Duration write, int maxConnections, int handlerThreads,
    int maxRequestBytes) {

  /**
   * Validates the limits.
   *
   * @throws IllegalArgumentException if a timeout is not positive or a count is below 1
   */
  public HttpLimits {
    positive("request", request);
    positive("handler", handler);
    positive("write", write);
    if (maxConnections < 1 || handlerThreads < 1 || maxRequestBytes < 1024) {
      throw new IllegalArgumentException("maxConnections and handlerThreads must be 1 or more,"
          + " maxRequestBytes 1024 or more");
    }
  }

  /**
   * The defaults: 10 s for a request to arrive, 10 s for a handler, 10 s to write, 64
   * connections, 2 handler threads, 16 KiB per request.
   *
   * @return the defaults
   */
  public static HttpLimits defaults() {
    return new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10),
        64, 2, 16 * 1024);
  }

  /**
   * Returns a copy with another request timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public HttpLimits withRequest(Duration value) {
    return new HttpLimits(value, handler, write, maxConnections, handlerThreads, maxRequestBytes);
  }

  /**
   * Returns a copy with another handler timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public HttpLimits withHandler(Duration value) {
    return new HttpLimits(request, value, write, maxConnections, handlerThreads, maxRequestBytes);
  }

  /**
   * Returns a copy with another connection bound.
   *
   * @param value the bound
   * @return the copy
   */
  public HttpLimits withMaxConnections(int value) {
    return new HttpLimits(request, handler, write, value, handlerThreads, maxRequestBytes);
  }

  private static void positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero() || value.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("timeout " + name + " must be between 1 ns and 1 day");
    }
  }
}
