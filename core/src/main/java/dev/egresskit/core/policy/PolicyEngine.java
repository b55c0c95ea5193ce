package dev.egresskit.core.policy;

import dev.egresskit.core.model.EgressSource;
import java.util.Map;

/**
 * A loaded policy. Implementations are thread-safe (typically a pool of interpreters) and release
 * their interpreters on {@link #close()}.
 *
 * <p>Loading follows KumoMTA's start-up ({@link PolicyEngineProvider#load}): the top level runs,
 * then the {@code pre_init} handlers and the {@code init} handler run once (what they define with
 * {@code kumo.define_egress_source} is in {@link #definedSources()}, whichever interpreter later
 * serves a call), then, when {@link PolicySettings#validating()}, the {@code validate_config}
 * handlers, whose failures are in {@link #usage()}. Handlers of every other event are accepted
 * ({@link #registeredEvents()}) and never called.
 */
public interface PolicyEngine extends AutoCloseable {

  /** The script this engine was loaded from, as shown in error messages. */
  String scriptName();

  /** Whether the policy registered a handler for {@code hook} with {@code kumo.on}. */
  boolean hasHandler(Hook<?> hook);

  /**
   * Calls the handler for {@code hook} with {@code argument}.
   *
   * @param lookup serves {@code kumo.invoke_get_egress_*} calls made by the handler
   * @return what the handler built, or {@code null} when it returned nothing ({@code nil},
   *     {@code undefined})
   * @throws PolicyException if there is no handler, the handler failed, or it returned a value
   *     that the matching {@code kumo.make_*} function did not build
   */
  <T> Made<T> invoke(Hook<T> hook, String argument, SourceLookup lookup);

  /**
   * Sources defined at load time with {@code kumo.define_egress_source}, by name; a name defined
   * twice holds the latest definition.
   */
  Map<String, Made<EgressSource>> definedSources();

  /**
   * The events the policy registered with {@code kumo.on}, in first-registration order, with
   * where each handler is defined. Engines that do not track them return an empty list.
   */
  default java.util.List<RegisteredEvent> registeredEvents() {
    return java.util.List.of();
  }

  /**
   * What {@code egresskit check} reports beyond sources: inert {@code kumo} calls,
   * {@code validate_config} failures (when loaded with {@link PolicySettings#validating()}) and
   * names data helpers know. Engines that record nothing return an empty record.
   */
  default PolicyUsage usage() {
    return new PolicyUsage();
  }

  @Override
  void close();
}
