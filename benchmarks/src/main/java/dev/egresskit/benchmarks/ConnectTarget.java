package dev.egresskit.benchmarks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Where one server of {@link ConnectBenchmarks} runs: {@value #IN_PROCESS} (the benchmark starts
 * its own in its JVM) or {@code HOST:PORT} of one already running ({@code [v6]:PORT} for IPv6).
 * A host name is resolved once, here, so no lookup is measured.
 */
final class ConnectTarget {
  /** The parameter value that asks for a server in the benchmark's own JVM (the default). */
  static final String IN_PROCESS = "in-process";

  private ConnectTarget() {}

  /**
   * Parses the value of the benchmark parameter {@code param}.
   *
   * @return empty for {@value #IN_PROCESS}, else the address to use
   * @throws IllegalArgumentException naming the parameter, the value and the allowed forms
   */
  static Optional<InetSocketAddress> parse(String param, String value) {
    if (IN_PROCESS.equals(value)) {
      return Optional.empty();
    }
    int colon = value.lastIndexOf(':');
    if (colon < 0) {
      throw invalid(param, value, "no :PORT");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw invalid(param, value, "an IPv6 address goes in brackets");
    }
    if (host.isEmpty()) {
      throw invalid(param, value, "no host");
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw invalid(param, value, "the port is not a number");
    }
    if (port < 1 || port > 65535) {
      throw invalid(param, value, "the port is not in 1..65535");
    }
    try {
      return Optional.of(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (UnknownHostException e) {
      throw invalid(param, value, "the host does not resolve");
    }
  }

  private static IllegalArgumentException invalid(String param, String value, String why) {
    return new IllegalArgumentException("ConnectBenchmarks parameter '" + param + "': " + why
        + "; expected " + IN_PROCESS + " or HOST:PORT (e.g. 127.0.0.1:2525, [::1]:2525), got \""
        + value + "\"");
  }
}
