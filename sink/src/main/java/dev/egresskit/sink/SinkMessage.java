package dev.egresskit.sink;

import java.util.List;
import java.util.Objects;

/**
 * One message accepted by the sink.
 *
 * @param mailFrom   the reverse path given with MAIL FROM (without angle brackets)
 * @param recipients the forward paths given with RCPT TO
 * @param content    the message content after dot-unstuffing, lines joined with CRLF; empty when
 *                   the sink does not keep content ({@code SmtpSink.Builder.keepContent})
 * @param size       the content's length in characters, kept or not
 */
public record SinkMessage(String mailFrom, List<String> recipients, String content, int size) {
  public SinkMessage {
    Objects.requireNonNull(mailFrom, "mailFrom");
    recipients = List.copyOf(recipients);
    Objects.requireNonNull(content, "content");
    if (size < content.length()) {
      throw new IllegalArgumentException("size " + size + " below the content's length "
          + content.length());
    }
  }
}
