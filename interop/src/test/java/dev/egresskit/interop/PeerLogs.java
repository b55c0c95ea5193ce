package dev.egresskit.interop;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Attaches the logs of the peers involved in a test to its failure, so a report shows what
 * smtp-sink or HAProxy actually saw, not only what the test expected.
 */
final class PeerLogs {
  /** Only a log's tail is attached; the whole file stays under {@code target/peers/}. */
  static final int MAX_LINES_PER_PEER = 200;

  private PeerLogs() {}

  /**
   * Returns the throwable to report in place of {@code failure}: an {@link AssertionError} whose
   * message ends with the peers' logs (the original is its cause), or, for any other exception,
   * the same exception with the logs added as a suppressed exception so its type is kept.
   */
  static Throwable withPeerLogs(Throwable failure, Collection<PeerProcess> peers) {
    if (peers.isEmpty()) {
      return failure;
    }
    String logs = render(peers);
    if (failure instanceof AssertionError) {
      AssertionError decorated = new AssertionError(failure.getMessage() + "\n\n" + logs, failure);
      decorated.setStackTrace(failure.getStackTrace());
      return decorated;
    }
    failure.addSuppressed(new PeerLogsAttached(logs));
    return failure;
  }

  /** The logs of {@code peers}: name, pid, command and the last lines of each log. */
  static String render(Collection<PeerProcess> peers) {
    return peers.stream().map(PeerLogs::tail).collect(Collectors.joining("\n"));
  }

  private static String tail(PeerProcess peer) {
    List<String> lines = peer.logText().lines().toList();
    int from = Math.max(0, lines.size() - MAX_LINES_PER_PEER);
    String skipped = from > 0 ? "(" + from + " earlier lines in the file)\n" : "";
    return "--- peer " + peer.name() + " (pid " + peer.pid() + ", "
        + (peer.isAlive() ? "running" : "exited") + "), log " + peer.log() + ":\n" + skipped
        + String.join("\n", lines.subList(from, lines.size())) + "\n--- end of " + peer.name();
  }

  /** Carries peer logs alongside an exception that is not an assertion failure. */
  static final class PeerLogsAttached extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PeerLogsAttached(String logs) {
      super("logs of the peers of this test:\n" + logs, null, false, false);
    }
  }
}
