package dev.egresskit.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking SMTP client on a plain {@link Socket}: bind, connect, read the banner,
 * {@code EHLO}, {@code QUIT}. It is the harness's control experiment: it shows what a peer logs
 * for a client that is certainly not EgressKit.
 */
final class PlainSmtpClient {
  private static final int TIMEOUT_MILLIS = 5000;

  private PlainSmtpClient() {}

  /**
   * Runs one session and returns the local address the socket had.
   *
   * @param bind   the local address to bind before connecting (port chosen by the kernel)
   * @param target the SMTP server
   * @param ehlo   the EHLO argument
   * @throws IOException on any socket error or unexpected reply
   */
  static InetSocketAddress session(InetAddress bind, InetSocketAddress target, String ehlo)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(TIMEOUT_MILLIS);
      socket.bind(new InetSocketAddress(bind, 0));
      socket.connect(target, TIMEOUT_MILLIS);
      return dialogue(socket, ehlo);
    }
  }

  /** Banner, EHLO, QUIT on an already connected socket; returns its local address. */
  static InetSocketAddress dialogue(Socket socket, String ehlo) throws IOException {
    BufferedReader in = new BufferedReader(
        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    OutputStream out = socket.getOutputStream();
    expect(in, "220");
    out.write(("EHLO " + ehlo + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    expect(in, "250");
    out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    expect(in, "221");
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** Reads one (possibly multi-line) reply and checks its code. */
  private static void expect(BufferedReader in, String code) throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        throw new IOException("connection closed while waiting for " + code);
      }
      if (!line.startsWith(code)) {
        throw new IOException("expected " + code + " but got: " + line);
      }
    } while (line.length() > 3 && line.charAt(3) == '-');
  }
}
