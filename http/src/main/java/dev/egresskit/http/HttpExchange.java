package dev.egresskit.http;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * One request, as a {@link HttpEndpoint} sees it: a {@code GET} (or {@code HEAD}, answered
 * without the body) of a path.
 *
 * @param path the request path, without the query
 * @param query the query parameters (the first value of each)
 * @param client the client's address
 */
public record HttpExchange(String path, Map<String, String> query, InetSocketAddress client) {

  /** Copies the query. */
  public HttpExchange {
    query = Map.copyOf(query);
  }
}
