package dev.egresskit.core.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a policy asked of KumoMTA's API that EgressKit accepts without acting on it: calls of the
 * functions that configure the rest of an MTA (listeners, spools, queues, DKIM, ...), by name,
 * with how often and where first. {@code egresskit check} lists them so that an operator sees
 * nothing was skipped silently.
 *
 * <p>One instance belongs to one loaded policy engine and is shared by its interpreters, so it is
 * thread-safe.
 */
public final class PolicyUsage {

  /**
   * One inert function and its calls.
   *
   * @param function the qualified name as scripts spell it, e.g. {@code kumo.start_esmtp_listener}
   * @param firstAt  where it was called first
   * @param calls    how many times it was called
   */
  public record InertCall(String function, ScriptLocation firstAt, long calls) {
    public InertCall {
      Objects.requireNonNull(function, "function");
      Objects.requireNonNull(firstAt, "firstAt");
    }
  }

  private final Map<String, InertCall> inert = new LinkedHashMap<>();
  private final java.util.List<ScriptLocation> validationFailures = new java.util.ArrayList<>();

  /** Records one call of an inert function. */
  public synchronized void inertCall(String function, ScriptLocation where) {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(where, "where");
    inert.merge(function, new InertCall(function, where, 1),
        (old, one) -> new InertCall(function, old.firstAt(), old.calls() + 1));
  }

  /** Every inert function called so far, in first-call order. */
  public synchronized List<InertCall> inertCalls() {
    return List.copyOf(inert.values());
  }

  /** Records a call of {@code kumo.validation_failed()}: validation must report failure. */
  public synchronized void validationFailed(ScriptLocation where) {
    validationFailures.add(Objects.requireNonNull(where, "where"));
  }

  /** Where {@code kumo.validation_failed()} was called, in call order. */
  public synchronized List<ScriptLocation> validationFailures() {
    return List.copyOf(validationFailures);
  }
}
