package dev.egresskit.core.policy.support;

import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.ScriptLocation;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The handlers one interpreter registered with {@code kumo.on(event, fn)} (spec §6.1): exactly one
 * handler per event, only known events, and only while the policy loads, never from inside a
 * running handler.
 *
 * <p>One registry belongs to one interpreter and is used by one thread at a time (the interpreter
 * pool guarantees it), so it is not synchronised.
 *
 * @param <F> the binding's function type (e.g. a Lua function)
 */
public final class HandlerRegistry<F> {

  /**
   * A registered handler.
   *
   * @param hook     the event it handles
   * @param function the binding's function
   * @param location where the handler was defined
   * @param <F>      the binding's function type
   */
  public record Handler<F>(Hook<?> hook, F function, ScriptLocation location) {
    public Handler {
      Objects.requireNonNull(hook, "hook");
      Objects.requireNonNull(function, "function");
      Objects.requireNonNull(location, "location");
    }
  }

  private final Map<Hook<?>, Handler<F>> handlers = new LinkedHashMap<>();
  private final Deque<Hook<?>> running = new ArrayDeque<>();
  private final java.util.Set<String> otherEvents = new java.util.LinkedHashSet<>();

  /** KumoMTA's events that EgressKit accepts handlers for and never calls. */
  private static final java.util.Set<String> KUMOMTA_EVENTS = java.util.Set.of("init",
      "pre_init", "validate_config", "get_queue_config", "throttle_insert_ready_queue",
      "requeue_message", "should_enqueue_log_record", "get_acl_definition", "rebind_message",
      "get_egress_path_config", "get_listener_domain", "smtp_server_data",
      "smtp_server_message_received", "smtp_server_message_deferred_inject",
      "smtp_server_split_transaction", "smtp_server_rewrite_response", "smtp_server_auth_plain",
      "http_message_generated", "xfer_message_received", "http_server_validate_auth_basic",
      "http_server_validate_auth_bearer", "smtp_server_get_dynamic_parameters",
      "smtp_server_connection_accepted", "smtp_server_ehlo", "smtp_server_mail_from",
      "smtp_server_rcpt_to", "smtp_client_rewrite_delivery_status", "spool_message_enumerated",
      "shutdown_logging", "main", "kumo.tsa.config.monitor", "kumo.tsa.suspension.subscriber");

  /** The events outside EgressKit's hooks that handlers were registered for, in order. */
  public java.util.Set<String> otherEvents() {
    return java.util.Collections.unmodifiableSet(otherEvents);
  }

  /**
   * Registers {@code function} for {@code eventName}.
   *
   * @param eventName the event as the script spelled it
   * @param function  the handler
   * @param location  where the handler is defined (shown if a second handler is registered)
   * @throws KumoApiException if the event is unknown, already has a handler, or a handler is
   *     running right now
   */
  public void register(String eventName, F function, ScriptLocation location) {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(location, "location");
    if (!running.isEmpty()) {
      throw new KumoApiException("Attempting to register an event handler via kumo.on(...) from"
          + " within the event handler '" + running.peek().eventName() + "'. Register handlers at"
          + " the top level of the policy, so that they are set up when the policy is loaded.");
    }
    if (Hook.forEventName(String.valueOf(eventName)).isEmpty()
        && KUMOMTA_EVENTS.contains(eventName)) {
      // KumoMTA's other events (validate_config, get_queue_config, ...): accepted, never called.
      otherEvents.add(eventName);
      return;
    }
    Hook<?> hook = Hook.forEventName(String.valueOf(eventName)).orElseThrow(
        () -> new KumoApiException("kumo.on: unknown event '" + eventName + "' (allowed: "
            + knownEvents() + ")"));
    Handler<F> previous = handlers.get(hook);
    if (previous != null) {
      throw new KumoApiException(hook.eventName() + " event already has a handler defined at "
          + previous.location());
    }
    handlers.put(hook, new Handler<>(hook, function, location));
  }

  /** The handler registered for {@code hook}, if any. */
  public Optional<Handler<F>> handler(Hook<?> hook) {
    return Optional.ofNullable(handlers.get(hook));
  }

  /**
   * Marks {@code hook}'s handler as running until the returned scope is closed. Scopes nest (a
   * handler may resolve another name through {@code kumo.invoke_get_egress_source}).
   */
  public RunningScope enter(Hook<?> hook) {
    Objects.requireNonNull(hook, "hook");
    running.push(hook);
    return new RunningScope(this);
  }

  /** The innermost handler running right now, if any. */
  public Optional<Hook<?>> runningHandler() {
    return Optional.ofNullable(running.peek());
  }

  /** The event names {@code kumo.on} accepts, comma separated. */
  public static String knownEvents() {
    return Hook.all().stream().map(Hook::eventName).collect(Collectors.joining(", "));
  }

  /** Ends one {@link #enter(Hook)}; closing twice has no further effect. */
  public static final class RunningScope implements AutoCloseable {
    private final HandlerRegistry<?> owner;
    private boolean closed;

    private RunningScope(HandlerRegistry<?> owner) {
      this.owner = owner;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        owner.running.pop();
      }
    }
  }
}
