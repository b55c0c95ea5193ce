package dev.egresskit.transport.strategy;

import java.util.List;

/** The steps of the SOCKS5 client exchange and the texts KumoMTA prints for them (spec §2.5). */
final class Socks5Texts {
  private Socks5Texts() {}

  /** Which reply the client waits for. */
  enum Step { METHOD, AUTH, BIND, CONNECT, DONE }

  /** KumoMTA's status names (the {@code socksv5} crate's Debug text), by REP byte. */
  static final List<String> STATUS = List.of("Success", "ServerFailure",
      "ConnectionNotAllowed", "NetworkUnreachable", "HostUnreachable", "ConnectionRefused",
      "TtlExpired", "CommandNotSupported", "AddrtypeNotSupported");

  static String phaseOf(Step step) {
    switch (step) {
      case METHOD: return "waiting for the SOCKS5 method reply";
      case AUTH: return "waiting for the SOCKS5 username/password reply";
      case BIND: return "waiting for the SOCKS5 BIND reply";
      case CONNECT: return "waiting for the SOCKS5 CONNECT reply";
      default: return "finishing the SOCKS5 handshake";
    }
  }

  /** The {@code socksv5} crate's names, as KumoMTA prints them. */
  static String methodName(int method) {
    switch (method) {
      case 0x00: return "NoAuth";
      case 0x01: return "GssApi";
      case 0x02: return "UsernamePassword";
      case 0xff: return "NoAcceptableMethod";
      default: return String.format("Other(0x%02X)", method);
    }
  }

  /** A command reply as KumoMTA prints it; {@code status} is a valid REP byte. */
  static String debug(int status, String host, int port) {
    return "SocksV5Response { status: " + STATUS.get(status) + ", host: " + host + ", port: "
        + port + " }";
  }
}
