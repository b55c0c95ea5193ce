package dev.egresskit.cli.demo;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.sink.SinkSession;
import dev.egresskit.transport.ProbeResult;
import java.util.List;
import java.util.Optional;

/**
 * One probed route and what the receiving server recorded.
 *
 * @param source     the resolved source
 * @param probe      the probe's result; empty when the probe failed
 * @param session    the server's record of the connection; empty when none was found
 * @param mismatches one line per difference between what was seen and what the policy says
 */
record RouteOutcome(
    EgressSource source,
    Optional<ProbeResult> probe,
    Optional<SinkSession> session,
    List<String> mismatches) {

  RouteOutcome {
    mismatches = List.copyOf(mismatches);
  }

  /** The route delivered exactly what its policy says. */
  boolean ok() {
    return mismatches.isEmpty();
  }
}
