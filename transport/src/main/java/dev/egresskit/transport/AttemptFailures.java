package dev.egresskit.transport;

import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.health.FailureKind;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** The failures of one attempt's candidates, combined into one error as spec §2.2h says. */
final class AttemptFailures {
  private record Failure(InetSocketAddress transport, EgressConnectException error) {}

  private final List<Failure> failures = new ArrayList<>(1);

  void add(InetSocketAddress transport, EgressConnectException error) {
    failures.add(new Failure(transport, error));
  }

  boolean isEmpty() {
    return failures.isEmpty();
  }

  /**
   * One candidate's failure as it is; bind failures (or proxy BIND rejections) on every
   * candidate as the first with the others suppressed; otherwise one error listing every
   * candidate, of kind {@code PROXY_UNREACHABLE} when a proxy was unhealthy, else the common
   * kind, else the last.
   *
   * @param combined makes the combined error from its kind and reason
   */
  EgressConnectException combine(String sourceName, ErrorFactory combined) {
    EgressConnectException first = failures.get(0).error();
    if (failures.size() == 1) {
      return first;
    }
    if (all(FailureKind.SOURCE_UNPLUMBED, FailureKind.BIND_FAILED)
        || all(FailureKind.PROXY_BIND_REJECTED, FailureKind.PROXY_BIND_REJECTED)) {
      failures.stream().skip(1).forEach(f -> first.addSuppressed(f.error()));
      return first;
    }
    boolean proxyUnhealthy = failures.stream().anyMatch(f -> f.error().kind()
        == FailureKind.PROXY_UNREACHABLE || f.error().kind() == FailureKind.PROXY_BIND_REJECTED);
    FailureKind last = failures.get(failures.size() - 1).error().kind();
    boolean same = failures.stream().allMatch(f -> f.error().kind() == first.kind());
    FailureKind kind = proxyUnhealthy ? FailureKind.PROXY_UNREACHABLE : same ? first.kind() : last;
    StringBuilder reason = new StringBuilder("failed to connect via any of ")
        .append(failures.size()).append(" candidate(s) for source ").append(sourceName)
        .append(": ");
    for (int i = 0; i < failures.size(); i++) {
      Failure f = failures.get(i);
      reason.append(i == 0 ? "" : "; ").append(IpLiterals.format(f.transport())).append(": ")
          .append(f.error().reason());
    }
    EgressConnectException error = combined.error(kind, reason.toString(), null);
    failures.forEach(f -> error.addSuppressed(f.error()));
    return error;
  }

  private boolean all(FailureKind a, FailureKind b) {
    return failures.stream().allMatch(f -> f.error().kind() == a || f.error().kind() == b);
  }

  /** Builds an attempt's error with its protocol, proxy and destination filled in. */
  @FunctionalInterface
  interface ErrorFactory {
    EgressConnectException error(FailureKind kind, String reason, Throwable cause);
  }
}
