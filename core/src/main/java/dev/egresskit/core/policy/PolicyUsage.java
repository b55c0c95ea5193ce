package dev.egresskit.core.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What {@code egresskit check} reports about a loaded policy beyond its sources:
 * <ul>
 *   <li>what a policy asked of KumoMTA's API that EgressKit accepts without acting on it: calls
 *       of the functions that configure the rest of an MTA (listeners, spools, queues, DKIM, ...),
 *       by name, with how often and where first, so that an operator sees nothing was skipped
 *       silently;</li>
 *   <li>how the {@code validate_config} handlers failed ({@code kumo.validation_failed()}, or an
 *       error raised);</li>
 *   <li>the source and pool names a data helper (such as {@code policy-extras.sources}) knows,
 *       so that {@code check} can resolve each of them.</li>
 * </ul>
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

  /**
   * One way the {@code validate_config} handlers failed.
   *
   * @param message what failed, as the script or EgressKit worded it
   * @param where   the script line
   */
  public record ValidationFailure(String message, ScriptLocation where) {
    public ValidationFailure {
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(where, "where");
    }
  }

  private final Map<String, InertCall> inert = new LinkedHashMap<>();
  private final List<ValidationFailure> validation = new ArrayList<>();
  private final Set<String> sources = new LinkedHashSet<>();
  private final Set<String> pools = new LinkedHashSet<>();

  private final List<dev.egresskit.core.policy.ProxyListenerSpec> proxyListeners =
      new ArrayList<>();
  private final List<dev.egresskit.core.policy.HttpListenerSpec> httpListeners =
      new ArrayList<>();

  /** Records a SOCKS5 listener a {@code proxy_init} handler asked for. */
  public synchronized void proxyListener(dev.egresskit.core.policy.ProxyListenerSpec spec) {
    proxyListeners.add(java.util.Objects.requireNonNull(spec, "spec"));
  }

  /** Records an HTTP listener a {@code proxy_init} handler asked for. */
  public synchronized void httpListener(dev.egresskit.core.policy.HttpListenerSpec spec) {
    httpListeners.add(java.util.Objects.requireNonNull(spec, "spec"));
  }

  /** The SOCKS5 listeners {@code proxy_init} asked for, in call order. */
  public synchronized List<dev.egresskit.core.policy.ProxyListenerSpec> proxyListeners() {
    return List.copyOf(proxyListeners);
  }

  /** The HTTP listeners {@code proxy_init} asked for, in call order. */
  public synchronized List<dev.egresskit.core.policy.HttpListenerSpec> httpListeners() {
    return List.copyOf(httpListeners);
  }

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

  /** Records a failure of the {@code validate_config} handlers. */
  public synchronized void validationFailed(String message, ScriptLocation where) {
    validation.add(new ValidationFailure(message, where));
  }

  /** Every validation failure, in the order they happened. */
  public synchronized List<ValidationFailure> validationFailures() {
    return List.copyOf(validation);
  }

  /** Records a source name a data helper defines (for {@code check} to resolve). */
  public synchronized void knownSource(String name) {
    sources.add(Objects.requireNonNull(name, "name"));
  }

  /** Records a pool name a data helper defines (for {@code check} to resolve). */
  public synchronized void knownPool(String name) {
    pools.add(Objects.requireNonNull(name, "name"));
  }

  /** The source names data helpers reported, in first-report order. */
  public synchronized List<String> knownSources() {
    return List.copyOf(sources);
  }

  /** The pool names data helpers reported, in first-report order. */
  public synchronized List<String> knownPools() {
    return List.copyOf(pools);
  }
}
