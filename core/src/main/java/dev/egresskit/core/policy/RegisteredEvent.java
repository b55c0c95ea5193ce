package dev.egresskit.core.policy;

import java.util.List;
import java.util.Objects;

/**
 * An event a policy registered handlers for with {@code kumo.on}, for {@code egresskit check}'s
 * account of what it accepted.
 *
 * @param name     the event name as the script spelled it
 * @param handlers where each handler is defined, in registration order (one, unless the event is
 *                 {@linkplain KumoEvents#multipleHandlers multiple-handler})
 */
public record RegisteredEvent(String name, List<ScriptLocation> handlers) {
  public RegisteredEvent {
    Objects.requireNonNull(name, "name");
    handlers = List.copyOf(handlers);
  }

  /** Whether EgressKit ever calls this event's handlers ({@link KumoEvents#called}). */
  public boolean called() {
    return KumoEvents.called(name);
  }
}
