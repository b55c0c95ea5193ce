package dev.egresskit.cli.demo;

import dev.egresskit.core.model.EgressPool;
import java.nio.file.Path;
import java.util.List;

/**
 * What one demo run found.
 *
 * @param lang         the bundled policy's language ({@code lua} or {@code js})
 * @param servers      the servers the routes went to
 * @param policyFile   the policy that was loaded
 * @param pool         the policy's pool
 * @param routes       every route of the pool, probed once
 * @param picks        one weighted round-robin cycle of pool picks, each probed
 * @param pickProblems picks that selected no source
 */
record DemoResult(String lang, DemoServers servers, Path policyFile, EgressPool pool,
    List<RouteOutcome> routes, List<RouteOutcome> picks, List<String> pickProblems) {

  DemoResult {
    routes = List.copyOf(routes);
    picks = List.copyOf(picks);
    pickProblems = List.copyOf(pickProblems);
  }

  /** Every route and every pick delivered what its policy says. */
  boolean ok() {
    return routes.stream().allMatch(RouteOutcome::ok) && picks.stream().allMatch(RouteOutcome::ok)
        && pickProblems.isEmpty() && !routes.isEmpty();
  }
}
