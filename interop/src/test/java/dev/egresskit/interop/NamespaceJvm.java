package dev.egresskit.interop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@code main} class of these tests in a fresh JVM inside a network namespace:
 * {@code ip netns exec NS java -cp <this JVM's class path> Main args}.
 *
 * <p>This is how the namespace tests make EgressKit's traffic genuinely originate from the
 * namespace's addresses: a JVM cannot move its sockets into another namespace, and giving the
 * test JVM's own namespace those addresses would put them on the machine. The child JVM sees only
 * the egress namespace's interfaces, so every bind, every kernel-chosen source address and every
 * unplumbed address is decided by that namespace's configuration. The class path is
 * {@code java.class.path}, which failsafe sets to the real jars and class directories
 * ({@code useManifestOnlyJar=false}).
 */
final class NamespaceJvm {
  /** A cold JVM, Netty and a handful of probes fit well within this on a loaded machine. */
  static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

  private NamespaceJvm() {}

  /** The command line that runs {@code mainClass} with this JVM's class path. */
  static List<String> command(Class<?> mainClass, List<String> args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m",
        // Short runs: the C1 compiler alone starts faster and is plenty.
        "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"),
        mainClass.getName()));
    command.addAll(args);
    return command;
  }

  /**
   * Runs {@code mainClass} in {@code place} as a peer of the test (its output is kept and
   * attached to failures) and returns its result lines once it has exited successfully.
   *
   * @throws IllegalStateException with its output if it fails or runs too long
   */
  static List<ResultLine> run(Peers peers, Place place, String name, Class<?> mainClass,
      List<String> args) {
    PeerProcess jvm = peers.start(name, place.wrap(command(mainClass, args)));
    int exit = jvm.awaitExit(RUN_TIMEOUT);
    if (exit != 0) {
      throw new IllegalStateException(name + " exited with status " + exit + "\n"
          + jvm.describe());
    }
    return ResultLine.parse(jvm.logText());
  }
}
