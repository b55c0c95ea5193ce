package dev.egresskit.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A minimal blocking SMTP client for tests: banner, EHLO, QUIT, from a chosen local address. */
final class SmtpClient {
  private SmtpClient() {}

  /** Connects from {@code from}, says EHLO {@code ehlo}, quits; returns every reply line. */
  static List<String> ehloAndQuit(InetAddress from, InetSocketAddress to, String ehlo)
      throws IOException {
    List<String> lines = new ArrayList<>();
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(5000);
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(to, 5000);
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      reply(in, lines);
      out.write(("EHLO " + ehlo + "\r\n").getBytes(StandardCharsets.US_ASCII));
      reply(in, lines);
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      reply(in, lines);
    }
    return lines;
  }

  private static void reply(BufferedReader in, List<String> lines) throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        throw new IOException("connection closed; so far: " + lines);
      }
      lines.add(line);
    } while (line.length() > 3 && line.charAt(3) == '-');
  }
}
