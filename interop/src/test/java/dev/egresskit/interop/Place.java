package dev.egresskit.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Where a peer runs: in the test JVM's own network namespace, or inside a namespace the test
 * created.
 *
 * @param label        a short name for logs and directories ({@code host} or the namespace)
 * @param launcher     turns a command line into one that runs in this place
 * @param reachability how readiness is checked: a connection from where the clients will be
 * @param ports        picks a port no one listens on in this place
 */
record Place(String label, UnaryOperator<List<String>> launcher, Reachability reachability,
    PortPicker ports) {

  /** The test JVM's own namespace: commands run as they are, ports are picked by the kernel. */
  static final Place HOST = new Place("host", UnaryOperator.identity(), Reachability.FROM_HOST,
      Place::kernelChosenPort);

  /**
   * Inside network namespace {@code ns}, checked for readiness through {@code fromClients}.
   * Ports come from a counter: the namespace is brand new and every listener in it was started
   * by this test.
   *
   * @param label a short name for log files, e.g. {@code sinkns}
   */
  static Place namespace(String label, String ns, Reachability fromClients) {
    AtomicInteger next = new AtomicInteger(20000);
    return new Place(label, command -> {
      List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", ns));
      wrapped.addAll(command);
      return wrapped;
    }, fromClients, host -> next.getAndIncrement());
  }

  /** The command line that runs {@code command} in this place. */
  List<String> wrap(List<String> command) {
    return launcher.apply(command);
  }

  /**
   * A port that is free right now: the kernel picks it, we release it, the peer binds it. The
   * small race with other processes is handled by the caller retrying the peer's start.
   */
  private static int kernelChosenPort(InetAddress host) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(host, 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + host, e);
    }
  }

  /** Chooses a listening port for a peer on a given address. */
  @FunctionalInterface
  interface PortPicker {
    int freePort(InetAddress host);
  }
}
