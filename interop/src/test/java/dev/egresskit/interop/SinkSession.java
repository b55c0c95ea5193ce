package dev.egresskit.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One client connection as postfix {@code smtp-sink -v} logged it: the peer address the kernel
 * reported for the accepted socket, and the SMTP commands the client sent.
 *
 * @param family        {@code AF_INET} or {@code AF_INET6}
 * @param clientAddress the client's address as smtp-sink printed it (e.g. {@code 127.0.0.5})
 * @param commands      the commands in order, e.g. {@code EHLO mta1.example.com}, {@code QUIT}
 * @param disconnected  whether smtp-sink has logged the end of the connection
 */
record SinkSession(String family, String clientAddress, List<String> commands,
    boolean disconnected) {

  private static final Pattern CONNECT =
      Pattern.compile("^smtp-sink: connect \\((AF_INET6?) ([^)]+)\\)$");
  private static final Pattern COMMAND = Pattern.compile("^smtp-sink: ([A-Za-z]{4}(?: .*)?)$");

  SinkSession {
    commands = List.copyOf(commands);
  }

  /** The argument of the client's EHLO (or HELO) command, if it sent one. */
  Optional<String> ehlo() {
    return commands.stream()
        .filter(c -> c.regionMatches(true, 0, "EHLO ", 0, 5)
            || c.regionMatches(true, 0, "HELO ", 0, 5))
        .map(c -> c.substring(5).trim())
        .findFirst();
  }

  /**
   * Splits an smtp-sink {@code -v} log into sessions. smtp-sink serves connections one after the
   * other in a single process and the tests make them one at a time, so every line between a
   * {@code connect} and the next one belongs to the same session.
   */
  static List<SinkSession> parse(String log) {
    List<SinkSession> sessions = new ArrayList<>();
    String family = null;
    String address = null;
    List<String> commands = new ArrayList<>();
    boolean disconnected = false;
    for (String line : log.split("\n", -1)) {
      Matcher connect = CONNECT.matcher(line);
      if (connect.matches()) {
        if (address != null) {
          sessions.add(new SinkSession(family, address, commands, disconnected));
        }
        family = connect.group(1);
        address = connect.group(2);
        commands = new ArrayList<>();
        disconnected = false;
      } else if (address != null && line.equals("smtp-sink: disconnect")) {
        disconnected = true;
      } else if (address != null) {
        Matcher command = COMMAND.matcher(line);
        if (command.matches() && isSmtpVerb(command.group(1))) {
          commands.add(command.group(1));
        }
      }
    }
    if (address != null) {
      sessions.add(new SinkSession(family, address, commands, disconnected));
    }
    return sessions;
  }

  private static boolean isSmtpVerb(String command) {
    String verb = command.substring(0, 4).toUpperCase(Locale.ROOT);
    return List.of("EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT", "VRFY")
        .contains(verb);
  }
}
