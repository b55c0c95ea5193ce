package dev.egresskit.cli.options;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses listen and destination addresses given on the command line: {@code PORT} (loopback),
 * {@code a.b.c.d:PORT}, {@code [v6]:PORT}, {@code localhost:PORT}, and for destinations also a
 * host name, with the port optional where a default exists.
 */
public final class Endpoints {
  private Endpoints() {}

  /**
   * A listen address. A bare port means 127.0.0.1, so nothing listens beyond loopback unless
   * asked; host names other than {@code localhost} are refused (a listener needs an address).
   */
  static InetSocketAddress listen(String text) {
    String trimmed = text.trim();
    if (trimmed.chars().allMatch(Character::isDigit) && !trimmed.isEmpty()) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), port(trimmed, text));
    }
    HostPort hp = split(trimmed, text, -1);
    if (hp.host.equalsIgnoreCase("localhost")) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), hp.port);
    }
    return new InetSocketAddress(ipLiteral(hp.host, text), hp.port);
  }

  /** A destination: {@code HOST[:PORT]}, where HOST may be a name (resolved now). */
  public static InetSocketAddress destination(String text, int defaultPort) {
    HostPort hp = split(text.trim(), text, defaultPort);
    InetAddress address;
    if (looksLikeIp(hp.host)) {
      address = ipLiteral(hp.host, text);
    } else {
      try {
        address = InetAddress.getByName(hp.host);
      } catch (UnknownHostException e) {
        throw new TypeConversionException("cannot resolve '" + hp.host + "': " + e.getMessage());
      }
    }
    return new InetSocketAddress(address, hp.port);
  }

  /** {@code a.b.c.d:p} or {@code [v6]:p}: how addresses are printed everywhere. */
  public static String format(InetSocketAddress address) {
    InetAddress ip = address.getAddress();
    String host = ip == null ? address.getHostString() : ip.getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  private record HostPort(String host, int port) {}

  private static HostPort split(String trimmed, String original, int defaultPort) {
    String host;
    String port = null;
    if (trimmed.startsWith("[")) {
      int close = trimmed.indexOf(']');
      if (close < 0) {
        throw new TypeConversionException("'" + original + "': missing ']' (expected [v6]:PORT)");
      }
      host = trimmed.substring(1, close);
      String rest = trimmed.substring(close + 1);
      if (rest.startsWith(":")) {
        port = rest.substring(1);
      } else if (!rest.isEmpty()) {
        throw new TypeConversionException("'" + original + "': expected ':PORT' after ']'");
      }
    } else {
      int colon = trimmed.lastIndexOf(':');
      if (colon >= 0 && trimmed.indexOf(':') != colon) {
        throw new TypeConversionException("'" + original
            + "': write IPv6 addresses in brackets, e.g. [::1]:2525");
      }
      host = colon < 0 ? trimmed : trimmed.substring(0, colon);
      port = colon < 0 ? null : trimmed.substring(colon + 1);
    }
    if (host.isEmpty()) {
      throw new TypeConversionException("'" + original + "': the address is missing");
    }
    if (port == null) {
      if (defaultPort < 0) {
        throw new TypeConversionException("'" + original + "': the port is missing (expected"
            + " ADDR:PORT, e.g. 127.0.0.1:2525)");
      }
      return new HostPort(host, defaultPort);
    }
    return new HostPort(host, port(port, original));
  }

  private static int port(String text, String original) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below with the allowed range
    }
    throw new TypeConversionException("'" + original + "': invalid port '" + text
        + "' (allowed: 0..65535, 0 picks a free port)");
  }

  private static boolean looksLikeIp(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> Character.isDigit(c) || c == '.');
  }

  private static InetAddress ipLiteral(String host, String original) {
    boolean v6 = host.indexOf(':') >= 0;
    boolean v4 = !v6 && host.matches("\\d{1,3}(\\.\\d{1,3}){3}")
        && java.util.Arrays.stream(host.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255);
    if (!v4 && !v6) {
      throw new TypeConversionException("'" + original + "': '" + host
          + "' is not an IP address (expected e.g. 127.0.0.1 or [::1])");
    }
    try {
      // With a literal, getByName never touches DNS.
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new TypeConversionException("'" + original + "': '" + host
          + "' is not an IP address: " + e.getMessage());
    }
  }

  /** picocli converter for listen addresses. */
  public static final class ListenConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      return listen(value);
    }
  }
}
