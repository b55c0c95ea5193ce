package dev.egresskit.core.health;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.SuspendOnFailure;
import dev.egresskit.core.model.Trigger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KumoMTA's source health (spec §8), process-local.
 *
 * <ul>
 *   <li>{@link #recordFailure} counts failures whose {@link FailureKind#healthEvent()} is set
 *       ({@code egress_source_connection_failures_total{source,kind}}) and applies the source's
 *       matching {@code suspend_when_unplumbed} / {@code suspend_when_proxy_unhealthy} rule:
 *       {@code Immediate} suspends on every such failure; {@code Threshold N/period} adds to a
 *       per-source, per-class sliding window and suspends when it holds N or more. The window
 *       is rebuilt only when the period changes and is not reset by a suspension, so old
 *       failures still inside it can re-trip the rule right after a suspension ends.</li>
 *   <li>A suspension lasts the rule's duration from now. Re-triggering an active suspension
 *       with the same reason replaces its end (logged at DEBUG, no meter change); a new
 *       suspension, or one with another reason, sets {@code egress_source_health_suspended
 *       {source,reason}} to 1 (the other reason's to 0), adds 1 to
 *       {@code egress_source_health_suspensions_total{source,reason}} and logs WARN
 *       {@code egress source auto-suspended}.</li>
 *   <li>Expiry is checked lazily against the injected clock (there is no reaper thread): the
 *       first look after the end removes the suspension and logs INFO
 *       {@code egress source auto-suspension cleared}; the gauges read the current state, so
 *       they drop to 0 at the end even if nobody looked.</li>
 *   <li>{@link #suspendedUntil} costs one atomic read while nothing is suspended.</li>
 * </ul>
 */
public final class SourceHealthTracker implements SourceHealth {
  private static final Logger LOG = LoggerFactory.getLogger(SourceHealthTracker.class);

  static final String FAILURES = "egress_source_connection_failures_total";
  static final String SUSPENDED = "egress_source_health_suspended";
  static final String SUSPENSIONS = "egress_source_health_suspensions_total";

  /**
   * An active suspension.
   *
   * @param source the source name
   * @param reason the failure class that caused it
   * @param until  when it ends
   */
  public record Suspension(String source, HealthEvent reason, Instant until) {
    public Suspension {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(until, "until");
    }
  }

  private record Key(String source, HealthEvent event) {}

  private enum Transition { INSERTED, EXTENDED, REASON_CHANGED }

  private final Clock clock;
  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Suspension> suspended = new ConcurrentHashMap<>();
  private final AtomicInteger suspendedCount = new AtomicInteger();
  private final ConcurrentHashMap<Key, CounterSeries> series = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Key, Boolean> gauges = new ConcurrentHashMap<>();

  private SourceHealthTracker(Clock clock, MeterRegistry registry) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** A tracker reading {@code clock} and registering its meters in {@code registry}. */
  public static SourceHealthTracker create(Clock clock, MeterRegistry registry) {
    return new SourceHealthTracker(clock, registry);
  }

  @Override
  public Optional<Instant> suspendedUntil(String sourceName) {
    if (suspendedCount.get() == 0) {
      return Optional.empty();
    }
    Suspension suspension = suspended.get(sourceName);
    if (suspension == null) {
      return Optional.empty();
    }
    if (clock.instant().isBefore(suspension.until())) {
      return Optional.of(suspension.until());
    }
    if (suspended.remove(sourceName, suspension)) {
      suspendedCount.decrementAndGet();
      LOG.atInfo()
          .addKeyValue("source", sourceName)
          .addKeyValue("reason", suspension.reason())
          .log("egress source auto-suspension cleared");
    }
    return Optional.empty();
  }

  /** The suspensions active now, by source name. */
  public Map<String, Suspension> suspensions() {
    Map<String, Suspension> active = new TreeMap<>();
    for (String name : suspended.keySet()) {
      Suspension suspension = suspended.get(name);
      if (suspension != null && suspendedUntil(name).isPresent()) {
        active.put(name, suspension);
      }
    }
    return active;
  }

  @Override
  public void recordFailure(EgressSource source, FailureKind kind) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(kind, "kind");
    Optional<HealthEvent> classified = kind.healthEvent();
    if (classified.isEmpty()) {
      return;
    }
    HealthEvent event = classified.get();
    String name = source.name();
    Counter.builder(FAILURES)
        .description("connection failures that count toward source health")
        .tag("source", name).tag("kind", event.name())
        .register(registry).increment();
    Optional<SuspendOnFailure> rule = event == HealthEvent.Unplumbed
        ? source.health().whenUnplumbed() : source.health().whenProxyUnhealthy();
    if (rule.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    if (triggers(name, event, rule.get().trigger(), now)) {
      suspend(name, event, rule.get().duration(), now);
    }
  }

  private boolean triggers(String name, HealthEvent event, Trigger trigger, Instant now) {
    if (trigger instanceof Trigger.Threshold threshold) {
      CounterSeries window = series.compute(new Key(name, event),
          (key, old) -> old != null && old.period().equals(threshold.period())
              ? old : new CounterSeries(threshold.period()));
      return window.incrementAndSum(now) >= threshold.limit();
    }
    return true;
  }

  private void suspend(String name, HealthEvent reason, Duration duration, Instant now) {
    Instant until = now.plus(duration);
    Suspension next = new Suspension(name, reason, until);
    Transition[] transition = new Transition[1];
    Suspension[] replaced = new Suspension[1];
    suspended.compute(name, (key, old) -> {
      replaced[0] = old;
      if (old == null) {
        transition[0] = Transition.INSERTED;
      } else if (!now.isBefore(old.until())) {
        transition[0] = Transition.INSERTED; // the old one had ended but was not cleared yet
      } else if (old.reason() == reason) {
        transition[0] = Transition.EXTENDED;
      } else {
        transition[0] = Transition.REASON_CHANGED;
      }
      return next;
    });
    if (replaced[0] == null) {
      suspendedCount.incrementAndGet();
    }
    if (transition[0] == Transition.EXTENDED) {
      LOG.atDebug()
          .addKeyValue("source", name)
          .addKeyValue("reason", reason)
          .addKeyValue("duration", Durations.format(duration))
          .log("egress source suspension extended");
      return;
    }
    registerGauge(name, reason);
    Counter.builder(SUSPENSIONS)
        .description("automatic suspensions of egress sources")
        .tag("source", name).tag("reason", reason.name())
        .register(registry).increment();
    LOG.atWarn()
        .addKeyValue("source", name)
        .addKeyValue("reason", reason)
        .addKeyValue("duration", Durations.format(duration))
        .log("egress source auto-suspended");
  }

  private void registerGauge(String name, HealthEvent reason) {
    Key key = new Key(name, reason);
    if (gauges.putIfAbsent(key, Boolean.TRUE) == null) {
      // Another tracker on the same registry (e.g. before a reload) may hold this gauge; the
      // gauge must read the tracker in use.
      Gauge previous = registry.find(SUSPENDED).tag("source", name).tag("reason", reason.name())
          .gauge();
      if (previous != null) {
        registry.remove(previous);
      }
      Gauge.builder(SUSPENDED, this, tracker -> tracker.isSuspendedFor(name, reason) ? 1 : 0)
          .description("1 while the source is auto-suspended for this reason")
          .tag("source", name).tag("reason", reason.name())
          .register(registry);
    }
  }

  private boolean isSuspendedFor(String name, HealthEvent reason) {
    Suspension suspension = suspended.get(name);
    return suspension != null && suspension.reason() == reason
        && suspendedUntil(name).isPresent();
  }
}
