package dev.egresskit.http;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What an {@link HttpEndpoint} answers.
 *
 * @param status the HTTP status code
 * @param contentType the {@code Content-Type}
 * @param body the body bytes
 */
public record HttpAnswer(int status, String contentType, byte[] body) {

  /** Plain UTF-8 text. */
  public static final String TEXT = "text/plain; charset=utf-8";

  /**
   * Checks the parts.
   *
   * @throws IllegalArgumentException if the status is not 100 to 599
   */
  public HttpAnswer {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status " + status + ": expected 100 to 599");
    }
  }

  /**
   * A UTF-8 text answer.
   *
   * @param status the status code
   * @param contentType the content type
   * @param text the body
   * @return the answer
   */
  public static HttpAnswer text(int status, String contentType, String text) {
    return new HttpAnswer(status, contentType, text.getBytes(StandardCharsets.UTF_8));
  }
}
