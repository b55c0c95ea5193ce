package dev.egresskit.interop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs {@link PlainSmtpClient} sessions from inside a network namespace (started with
 * {@code ip netns exec}). Arguments: {@code HOST PORT BIND,EHLO [BIND,EHLO ...]}. Prints one
 * {@link ResultLine} per session: {@code ehlo}, {@code bind}, {@code outcome} ({@code ok} or
 * {@code error}) and either {@code local} or {@code error}.
 */
public final class SocketProbeMain {
  private SocketProbeMain() {}

  /**
   * Runs the sessions in order.
   *
   * @param args {@code HOST PORT BIND,EHLO...}
   * @throws IOException if {@code HOST} cannot be parsed
   */
  public static void main(String[] args) throws IOException {
    InetSocketAddress target =
        new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
    for (int i = 2; i < args.length; i++) {
      String[] pair = args[i].split(",", 2);
      Map<String, String> result = new LinkedHashMap<>();
      result.put("ehlo", pair[1]);
      result.put("bind", pair[0]);
      try {
        InetSocketAddress local =
            PlainSmtpClient.session(InetAddress.getByName(pair[0]), target, pair[1]);
        result.put("outcome", "ok");
        result.put("local", local.getAddress().getHostAddress());
      } catch (IOException e) {
        result.put("outcome", "error");
        result.put("error", e.getClass().getName() + ": " + e.getMessage());
      }
      System.out.println(ResultLine.format(result));
    }
  }
}
