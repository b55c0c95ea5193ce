package dev.egresskit.core.policy.support;

import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.KumoEvents;
import dev.egresskit.core.policy.RegisteredEvent;
import dev.egresskit.core.policy.ScriptLocation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The handlers one interpreter registered with {@code kumo.on(event, fn)}, as KumoMTA keeps them:
 * any event name is accepted; an event KumoMTA declares multiple-handler
 * ({@link KumoEvents#multipleHandlers}) keeps every handler in registration order, any other
 * takes one (a second is an error naming the first); and no handler may be registered while a
 * handler runs.
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
   * @param event    the event it handles
   * @param function the binding's function
   * @param location where the handler was defined
   * @param <F>      the binding's function type
   */
  public record Handler<F>(String event, F function, ScriptLocation location) {
    public Handler {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(function, "function");
      Objects.requireNonNull(location, "location");
    }
  }

  private final Map<String, List<Handler<F>>> handlers = new LinkedHashMap<>();
  private final Deque<String> running = new ArrayDeque<>();

  /**
   * Registers {@code function} for {@code eventName}.
   *
   * @param eventName the event as the script spelled it
   * @param function  the handler
   * @param location  where the handler is defined (shown if a second handler is registered)
   * @throws KumoApiException if a single-handler event already has a handler, or a handler is
   *     running right now
   */
  public void register(String eventName, F function, ScriptLocation location) {
    Objects.requireNonNull(eventName, "eventName");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(location, "location");
    if (!running.isEmpty()) {
      // KumoMTA's words.
      throw new KumoApiException("Attempting to register an event handler via `kumo.on('"
          + eventName + "', ...)` from within the event handler '" + running.peek() + "'. You"
          + " must move your event handler registration so that it is setup directly when the"
          + " policy is loaded in order for it to consistently trigger and handle events.");
    }
    List<Handler<F>> list = handlers.computeIfAbsent(eventName, e -> new ArrayList<>());
    if (!list.isEmpty() && !KumoEvents.multipleHandlers(eventName)) {
      throw new KumoApiException(eventName + " event already has a handler defined at "
          + list.get(0).location());
    }
    list.add(new Handler<>(eventName, function, location));
  }

  /** The handler registered for a single-handler {@code hook}, if any. */
  public Optional<Handler<F>> handler(Hook<?> hook) {
    // Called on every handler call: no copy of the list.
    List<Handler<F>> list = handlers.get(hook.eventName());
    return list == null || list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
  }

  /** Every handler registered for {@code event}, in registration order. */
  public List<Handler<F>> handlers(String event) {
    return List.copyOf(handlers.getOrDefault(event, List.of()));
  }

  /** Every event with handlers, in first-registration order. */
  public List<RegisteredEvent> registered() {
    return handlers.entrySet().stream()
        .map(e -> new RegisteredEvent(e.getKey(),
            e.getValue().stream().map(Handler::location).toList()))
        .toList();
  }

  /**
   * Marks {@code hook}'s handler as running until the returned scope is closed. Scopes nest (a
   * handler may resolve another name through {@code kumo.invoke_get_egress_source}).
   */
  public RunningScope enter(Hook<?> hook) {
    return enter(hook.eventName());
  }

  /** Marks a handler of {@code event} as running until the returned scope is closed. */
  public RunningScope enter(String event) {
    Objects.requireNonNull(event, "event");
    running.push(event);
    return new RunningScope(this);
  }

  /** The event of the innermost handler running right now, if any. */
  public Optional<String> runningHandler() {
    return Optional.ofNullable(running.peek());
  }

  /** Ends one {@link #enter(String)}; closing twice has no further effect. */
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
