package dev.egresskit.http;

/**
 * Answers the requests of one path. Runs on one of the server's handler threads, never on an
 * event loop, under the handler timeout of {@link HttpLimits}.
 */
@FunctionalInterface
public interface HttpEndpoint {

  /**
   * Answers one request.
   *
   * @param exchange the request
   * @return the answer
   * @throws Exception to answer {@code 500} (the message is logged, not sent)
   */
  HttpAnswer answer(HttpExchange exchange) throws Exception;
}
