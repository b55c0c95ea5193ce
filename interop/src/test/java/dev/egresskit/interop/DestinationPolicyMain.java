package dev.egresskit.interop;

import dev.egresskit.proxy.Socks5ProxyServer;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Run inside the egress namespace by {@link ProxyDestinationPolicyIT}: starts the project's
 * SOCKS5 proxy on a non-loopback address twice — with its default destination rule and with
 * local destinations allowed — and, as a client in the same namespace, asks each to CONNECT to
 * every destination given; prints one result line per attempt with the reply code.
 *
 * <pre>
 * DestinationPolicyMain LISTEN_IP DEST[,DEST...]
 * </pre>
 *
 * <p>A {@code DEST} is {@code IP:PORT} or {@code [IPv6]:PORT}.
 */
public final class DestinationPolicyMain {

  private DestinationPolicyMain() {}

  public static void main(String[] args) throws Exception {
    InetAddress listen = InetAddress.getByName(args[0]);
    try (Socks5ProxyServer byDefault = Socks5ProxyServer.builder()
            .listen(new InetSocketAddress(listen, 0)).build().start();
        Socks5ProxyServer allowing = Socks5ProxyServer.builder()
            .listen(new InetSocketAddress(listen, 0)).localDestinations(true).build().start()) {
      report("default", byDefault, args[1]);
      report("allowed", allowing, args[1]);
    }
    System.out.flush();
  }

  private static void report(String proxyName, Socks5ProxyServer proxy, String destinations)
      throws IOException {
    for (String destination : destinations.split(",")) {
      int colon = destination.lastIndexOf(':');
      String host = destination.substring(0, colon).replace("[", "").replace("]", "");
      int port = Integer.parseInt(destination.substring(colon + 1));
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("proxy", proxyName);
      fields.put("refuses_local", String.valueOf(proxy.refusesLocalDestinations()));
      fields.put("destination", destination);
      fields.put("reply", String.valueOf(connect(proxy.address(),
          NetUtil.createInetAddressFromIpAddressString(host), port)));
      System.out.println(ResultLine.format(fields));
    }
  }

  /** Greeting without auth, then CONNECT; returns the reply code (REP). */
  private static int connect(InetSocketAddress proxy, InetAddress destination, int port)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(proxy, 10_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(new byte[] {5, 1, 0});
      byte[] method = in.readNBytes(2);
      if (method.length != 2 || method[1] != 0) {
        throw new IOException("greeting refused");
      }
      byte[] address = destination.getAddress();
      byte[] request = new byte[4 + address.length + 2];
      request[0] = 5;
      request[1] = 1;
      request[3] = (byte) (destination instanceof Inet4Address ? 1 : 4);
      System.arraycopy(address, 0, request, 4, address.length);
      request[4 + address.length] = (byte) (port >> 8);
      request[5 + address.length] = (byte) port;
      out.write(request);
      byte[] reply = in.readNBytes(2);
      if (reply.length != 2) {
        throw new IOException("no reply");
      }
      return reply[1];
    }
  }
}
