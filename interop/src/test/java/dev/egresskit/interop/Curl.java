package dev.egresskit.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * curl as a standard, independent client: {@code curl telnet://host:port} sends its standard
 * input (here {@code EHLO} and {@code QUIT}) and prints what the server answers, which is enough
 * for a whole SMTP session. With {@code --socks5} it goes through a SOCKS5 proxy with a plain
 * RFC 1928 CONNECT.
 */
final class Curl {
  private Curl() {}

  /**
   * Runs one SMTP session with curl.
   *
   * @param options curl options placed before the URL, e.g. {@code --socks5 127.0.0.1:1080}
   * @param target  the SMTP server
   * @param ehlo    the EHLO argument
   * @param workDir where the input file is written (the test's peer directory)
   */
  static CommandResult smtpSession(List<String> options, InetSocketAddress target, String ehlo,
      Path workDir) {
    Path input = workDir.resolve("curl-" + ehlo + ".in");
    try {
      Files.writeString(input, "EHLO " + ehlo + "\r\nQUIT\r\n", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String host = target.getAddress().getHostAddress();
    String url = "telnet://" + (target.getAddress() instanceof Inet6Address ? "[" + host + "]" : host)
        + ":" + target.getPort();
    List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error",
        "--max-time", "10"));
    command.addAll(options);
    command.add(url);
    return Commands.run(Duration.ofSeconds(20), command, input);
  }
}
