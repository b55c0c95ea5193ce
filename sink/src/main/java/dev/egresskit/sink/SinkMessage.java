package dev.egresskit.sink;

import java.util.List;
import java.util.Objects;

/**
 * One message accepted by the sink.
 *
 * @param mailFrom   the reverse path given with MAIL FROM (without angle brackets)
 * @param recipients the forward paths given with RCPT TO
 * @param content    the message content after dot-unstuffing, lines joined with CRLF
 */
public record SinkMessage(String mailFrom, List<String> recipients, String content) {
  public SinkMessage {
    Objects.requireNonNull(mailFrom, "mailFrom");
    recipients = List.copyOf(recipients);
    Objects.requireNonNull(content, "content");
  }
}
