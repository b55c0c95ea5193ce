package dev.egresskit.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One attempt to open a TCP connection to a peer's listening port, from wherever the peer's
 * clients will connect from: the test JVM's own network namespace, or another namespace.
 */
@FunctionalInterface
interface Reachability {

  /** Connects from the test JVM's own network namespace. */
  Reachability FROM_HOST = address -> {
    try (Socket socket = new Socket()) {
      socket.connect(address, 250);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  };

  /** Whether one connection attempt to {@code address} succeeded (it is closed at once). */
  boolean accepts(InetSocketAddress address);
}
