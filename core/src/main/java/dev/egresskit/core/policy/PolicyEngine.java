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

  /**
   * Whether the policy registered a handler for {@code event} with {@code kumo.on}.
   *
   * @param event the event name, e.g. {@code proxy_server_auth_rfc1929}
   * @return true when a handler is registered
   */
  default boolean handles(String event) {
    return registeredEvents().stream().anyMatch(e -> e.name().equals(event));
  }

  /**
   * Runs the handlers of {@code event} once, without arguments, as KumoMTA runs a start-up event
   * such as {@code proxy_init}: in registration order until one returns a value. Nothing happens
   * when the policy has no handler for it.
   *
   * @param event the event name
   * @throws PolicyException if a handler fails or runs past the handler deadline
   */
  default void fire(String event) {
    throw new PolicyException(scriptName() + ": this policy engine cannot run the " + event
        + " event", new ScriptLocation(scriptName(), 0));
  }

  /**
   * Calls the one handler of {@code event} with language-neutral arguments ({@code String},
   * {@code Boolean}, {@code Long}, {@code Double}, {@code Map}, {@code List}) under the handler
   * deadline, and returns what it returned, converted the same way ({@code null} for
   * {@code nil}/{@code undefined}).
   *
   * @param event the event name, e.g. {@code proxy_server_auth_rfc1929}
   * @param arguments the handler's arguments
   * @return the handler's result as a language-neutral value, or null
   * @throws PolicyException if there is no handler, it fails, or it runs past the deadline
   */
  default Object call(String event, java.util.List<Object> arguments) {
    throw new PolicyException(scriptName() + ": this policy engine cannot run the " + event
        + " event", new ScriptLocation(scriptName(), 0));
  }

  @Override
  void close();
}
