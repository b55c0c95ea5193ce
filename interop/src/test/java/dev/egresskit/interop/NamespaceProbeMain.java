package dev.egresskit.interop;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.transport.EgressConnectException;
import dev.egresskit.transport.ProbeResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EgressKit run inside the egress network namespace (started by {@link NamespaceJvm} with
 * {@code ip netns exec}): optionally starts the project's SOCKS5 proxy, then probes smtp-sink
 * with {@link EgressProbe} from each given source and prints one {@link ResultLine} per probe.
 *
 * <p>Arguments, in any order:
 * <ul>
 *   <li>{@code proxy=IP:PORT} (or {@code proxy=[v6]:PORT}): start a {@link Socks5ProxyServer}
 *       listening there before the probes;
 *   <li>{@code probe=NAME|DESTINATION|field=value;field=value...}: probe {@code DESTINATION}
 *       from a source named {@code NAME} with those {@code make_egress_source} fields.
 * </ul>
 * Each result has {@code name}, {@code outcome} ({@code ok} or {@code error}) and, on success,
 * {@code local} (the local end of the connection) and {@code reported} (the source address the
 * transport says the destination sees); on failure {@code kind} and {@code reason}.
 */
public final class NamespaceProbeMain {
  private NamespaceProbeMain() {}

  /**
   * Runs the proxies and probes described by {@code args}.
   *
   * @param args {@code proxy=...} and {@code probe=...} arguments
   */
  public static void main(String[] args) {
    List<Socks5ProxyServer> proxies = new ArrayList<>();
    try (EgressProbe egress = new EgressProbe()) {
      for (String arg : args) {
        if (arg.startsWith("proxy=")) {
          proxies.add(Socks5ProxyServer.builder()
              .listen(socketAddress(arg.substring("proxy=".length()))).build().start());
        }
      }
      for (String arg : args) {
        if (arg.startsWith("probe=")) {
          System.out.println(ResultLine.format(probe(egress, arg.substring("probe=".length()))));
        }
      }
    } finally {
      proxies.forEach(Socks5ProxyServer::close);
    }
    // Netty's and the proxy's non-daemon threads are gone; exit explicitly all the same.
    System.exit(0);
  }

  private static Map<String, String> probe(EgressProbe egress, String spec) {
    String[] parts = spec.split("\\|", 3);
    String name = parts[0];
    InetSocketAddress destination = socketAddress(parts[1]);
    List<String> fields = new ArrayList<>();
    if (parts.length > 2 && !parts[2].isEmpty()) {
      for (String field : parts[2].split(";")) {
        if (field.isEmpty()) {
          continue;
        }
        int eq = field.indexOf('=');
        fields.add(field.substring(0, eq));
        fields.add(field.substring(eq + 1));
      }
    }
    Map<String, String> result = new LinkedHashMap<>();
    result.put("name", name);
    try {
      EgressSource source = Sources.source(name, fields.toArray(String[]::new));
      ProbeResult probed = egress.run(source, destination);
      result.put("outcome", "ok");
      result.put("local", probed.localAddress().getAddress().getHostAddress());
      result.put("reported", probed.reportedSource().address().getAddress().getHostAddress());
    } catch (EgressConnectException e) {
      result.put("outcome", "error");
      result.put("kind", e.kind().name());
      result.put("reason", e.reason());
    } catch (RuntimeException e) {
      result.put("outcome", "crash");
      result.put("reason", e.toString());
    }
    return result;
  }

  /** {@code a.b.c.d:port} or {@code [v6]:port}, IP literals only. */
  static InetSocketAddress socketAddress(String text) {
    int colon = text.lastIndexOf(':');
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    InetAddress ip = Ips.ip(host);
    return new InetSocketAddress(ip, Integer.parseInt(text.substring(colon + 1)));
  }
}
