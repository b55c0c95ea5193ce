package dev.egresskit.cli.policy;

import dev.egresskit.core.policy.KumoEvents;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.RegisteredEvent;
import dev.egresskit.core.policy.ScriptLocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The end of {@code egresskit check}'s report: what the policy registered and called that is not
 * about egress and that EgressKit accepted without acting on it, so that an operator sees nothing
 * was skipped silently. Events are listed with what EgressKit does with them (run at start-up,
 * used for egress, or never called); inert {@code kumo} calls with how often and where first.
 */
final class CheckAccepted {
  private final List<RegisteredEvent> events;
  private final List<PolicyUsage.InertCall> inert;

  private CheckAccepted(List<RegisteredEvent> events, List<PolicyUsage.InertCall> inert) {
    this.events = events;
    this.inert = inert;
  }

  static CheckAccepted of(PolicyEngine engine) {
    return new CheckAccepted(engine.registeredEvents(), engine.usage().inertCalls());
  }

  /** What EgressKit does with {@code event}'s handlers. */
  private static String use(String event) {
    return switch (event) {
      case "pre_init", "init" -> "ran once after loading";
      case "validate_config" -> "ran by check";
      case "get_egress_source", "get_egress_pool" -> "used for egress";
      default -> KumoEvents.known(event) ? "never called (not about egress)"
          : "never called (KumoMTA does not fire it either, unless the policy or a helper does;"
              + " a misspelling?)";
    };
  }

  private static String where(List<ScriptLocation> handlers) {
    return handlers.size() + (handlers.size() == 1 ? " handler, " : " handlers, ")
        + handlers.stream().map(ScriptLocation::toString).collect(Collectors.joining(", "));
  }

  /** How many registered events are never called. */
  long ignoredEvents() {
    return events.stream().filter(e -> !e.called()).count();
  }

  /** The section's lines, without a trailing newline. */
  List<String> lines() {
    List<String> out = new ArrayList<>();
    long calls = inert.stream().mapToLong(PolicyUsage.InertCall::calls).sum();
    out.add("accepted and ignored (" + ignoredEvents() + " events never called, " + inert.size()
        + " inert kumo functions called " + calls + (calls == 1 ? " time)" : " times)")
        + (events.isEmpty() && inert.isEmpty() ? ": nothing" : ":"));
    for (RegisteredEvent event : events) {
      out.add("  " + (event.called() ? "event   " : "ignored ") + " " + event.name() + "  "
          + use(event.name()) + " (" + where(event.handlers()) + ")");
    }
    for (PolicyUsage.InertCall call : inert) {
      out.add("  ignored  " + call.function() + "  called " + call.calls()
          + (call.calls() == 1 ? " time" : " times") + ", first at " + call.firstAt());
    }
    return out;
  }

  /** The section as JSON: {@code {events: [...], inert_calls: [...]}}. */
  Map<String, Object> view() {
    List<Map<String, Object>> eventViews = new ArrayList<>();
    for (RegisteredEvent event : events) {
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("event", event.name());
      view.put("called", event.called());
      view.put("use", use(event.name()));
      view.put("handlers", event.handlers().stream().map(ScriptLocation::toString).toList());
      eventViews.add(view);
    }
    List<Map<String, Object>> callViews = new ArrayList<>();
    for (PolicyUsage.InertCall call : inert) {
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("function", call.function());
      view.put("calls", call.calls());
      view.put("first_at", call.firstAt().toString());
      callViews.add(view);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("events", eventViews);
    out.put("inert_calls", callViews);
    return out;
  }
}
