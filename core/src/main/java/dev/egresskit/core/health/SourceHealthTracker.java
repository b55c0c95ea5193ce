package dev.egresskit.core.health;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.SuspendOnFailure;
import dev.egresskit.core.model.Trigger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
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
    record(source, kind);
  }

  /**
   * As {@link #recordFailure}, and says what the failure did: the suspension it started or
   * extended by the source's own rule, if any. A fleet-wide health uses it to tell the other
   * nodes.
   *
   * @return the suspension now in force because of this failure, or empty if it suspended
   *     nothing (no rule, a threshold not reached, or a kind that does not count)
   */
  public Optional<Suspension> record(EgressSource source, FailureKind kind) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(kind, "kind");
    Optional<HealthEvent> classified = kind.healthEvent();
    if (classified.isEmpty()) {
      return Optional.empty();
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
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (!triggers(name, event, rule.get().trigger(), now)) {
      return Optional.empty();
    }
    Suspension next = new Suspension(name, event, now.plus(rule.get().duration()));
    apply(next, now, Durations.format(rule.get().duration()), null, true);
    return Optional.of(next);
  }

  /**
   * Applies a suspension decided elsewhere (another node of a fleet sharing health). Unlike a
   * local re-trigger, which replaces the end, an adopted suspension only ever moves the end
   * later: announcements may arrive in any order, and taking the latest end makes every node
   * converge on the same state whatever the order. Meters and logs are those of a local
   * suspension, the log with an {@code origin} key.
   *
   * @param suspension the suspension to adopt
   * @param origin     who decided it (for the log), e.g. a node id
   * @return true if this tracker's state changed (a new suspension, a later end, or another
   *     reason); false if it already had that suspension or a later one, or it has ended
   */
  public boolean adopt(Suspension suspension, String origin) {
    Objects.requireNonNull(suspension, "suspension");
    Objects.requireNonNull(origin, "origin");
    Instant now = clock.instant();
    if (!now.isBefore(suspension.until())) {
      return false;
    }
    Suspension current = suspended.get(suspension.source());
    if (current != null && now.isBefore(current.until())
        && !suspension.until().isAfter(current.until())) {
      return false;
    }
    return apply(suspension, now, "until " + suspension.until(), origin, false);
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

  /**
   * Puts {@code next} in force. A local re-trigger replaces any active end; an adopted one
   * ({@code replace} false) only a strictly earlier end, checked again under the map's lock.
   */
  private boolean apply(Suspension next, Instant now, String duration, String origin,
      boolean replace) {
    String name = next.source();
    HealthEvent reason = next.reason();
    Transition[] transition = new Transition[1];
    Suspension[] replaced = new Suspension[1];
    suspended.compute(name, (key, old) -> {
      replaced[0] = old;
      if (old == null) {
        transition[0] = Transition.INSERTED;
      } else if (!now.isBefore(old.until())) {
        transition[0] = Transition.INSERTED; // the old one had ended but was not cleared yet
      } else if (!replace && !next.until().isAfter(old.until())) {
        transition[0] = null; // a later one won the race
        return old;
      } else if (old.reason() == reason) {
        transition[0] = Transition.EXTENDED;
      } else {
        transition[0] = Transition.REASON_CHANGED;
      }
      return next;
    });
    if (transition[0] == null) {
      return false;
    }
    if (replaced[0] == null) {
      suspendedCount.incrementAndGet();
    }
    if (transition[0] == Transition.EXTENDED) {
      LOG.atDebug()
          .addKeyValue("source", name)
          .addKeyValue("reason", reason)
          .addKeyValue("duration", duration)
          .addKeyValue("origin", origin == null ? "local" : origin)
          .log("egress source suspension extended");
      return true;
    }
    registerGauge(name, reason);
    Counter.builder(SUSPENSIONS)
        .description("automatic suspensions of egress sources")
        .tag("source", name).tag("reason", reason.name())
        .register(registry).increment();
    var warn = LOG.atWarn()
        .addKeyValue("source", name)
        .addKeyValue("reason", reason)
        .addKeyValue("duration", duration);
    if (origin != null) {
      warn = warn.addKeyValue("origin", origin);
    }
    warn.log("egress source auto-suspended");
    return true;
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
