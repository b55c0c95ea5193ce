package dev.egresskit.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.HealthRules;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.SuspendOnFailure;
import dev.egresskit.core.model.Trigger;
import dev.egresskit.core.testing.MutableClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SourceHealthTrackerTest {
  private final MutableClock clock = new MutableClock();
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final SourceHealthTracker tracker = SourceHealthTracker.create(clock, registry);

  private static EgressSource source(String name, Optional<SuspendOnFailure> unplumbed,
      Optional<SuspendOnFailure> proxy) {
    return new EgressSource(name, Optional.empty(), OptionalInt.empty(), Duration.ofMinutes(1),
        new HealthRules(unplumbed, proxy), new Route.Direct(Optional.empty()));
  }

  private static Optional<SuspendOnFailure> immediate(Duration duration) {
    return Optional.of(new SuspendOnFailure(Trigger.Immediate.INSTANCE, duration));
  }

  private static Optional<SuspendOnFailure> threshold(long limit, Duration period,
      Duration duration) {
    return Optional.of(new SuspendOnFailure(new Trigger.Threshold(limit, period), duration));
  }

  private double failures(String source, HealthEvent kind) {
    return registry.get(SourceHealthTracker.FAILURES).tag("source", source)
        .tag("kind", kind.name()).counter().count();
  }

  private double suspensions(String source, HealthEvent reason) {
    return registry.get(SourceHealthTracker.SUSPENSIONS).tag("source", source)
        .tag("reason", reason.name()).counter().count();
  }

  private double suspendedGauge(String source, HealthEvent reason) {
    return registry.get(SourceHealthTracker.SUSPENDED).tag("source", source)
        .tag("reason", reason.name()).gauge().value();
  }

  @Test
  void immediateUnplumbedRuleSuspendsOnTheFirstFailure() {
    // spec case 54
    EgressSource bad = source("bad", immediate(Duration.ofSeconds(30)), Optional.empty());
    Instant start = clock.instant();

    tracker.recordFailure(bad, FailureKind.SOURCE_UNPLUMBED);

    assertThat(failures("bad", HealthEvent.Unplumbed)).isEqualTo(1);
    assertThat(suspendedGauge("bad", HealthEvent.Unplumbed)).isEqualTo(1);
    assertThat(suspensions("bad", HealthEvent.Unplumbed)).isEqualTo(1);
    assertThat(tracker.suspendedUntil("bad")).contains(start.plusSeconds(30));
    assertThat(tracker.suspensions()).containsOnlyKeys("bad");
  }

  @Test
  void suspensionEndsWhenTheClockPassesItsDuration() {
    EgressSource bad = source("bad", immediate(Duration.ofSeconds(30)), Optional.empty());
    tracker.recordFailure(bad, FailureKind.SOURCE_UNPLUMBED);

    clock.advance(Duration.ofSeconds(29));
    assertThat(tracker.suspendedUntil("bad")).isPresent();
    clock.advance(Duration.ofSeconds(1));

    assertThat(suspendedGauge("bad", HealthEvent.Unplumbed)).isZero();
    assertThat(tracker.suspendedUntil("bad")).isEmpty();
    assertThat(tracker.suspensions()).isEmpty();
    assertThat(suspensions("bad", HealthEvent.Unplumbed)).isEqualTo(1);
  }

  @Test
  void retriggeringExtendsTheSuspensionWithoutCountingANewOne() {
    EgressSource bad = source("bad", immediate(Duration.ofSeconds(30)), Optional.empty());
    tracker.recordFailure(bad, FailureKind.SOURCE_UNPLUMBED);
    clock.advance(Duration.ofSeconds(20));

    tracker.recordFailure(bad, FailureKind.SOURCE_UNPLUMBED);

    assertThat(tracker.suspendedUntil("bad")).contains(clock.instant().plusSeconds(30));
    assertThat(suspensions("bad", HealthEvent.Unplumbed)).isEqualTo(1);
    assertThat(failures("bad", HealthEvent.Unplumbed)).isEqualTo(2);
  }

  @Test
  void suspensionForAnotherReasonMovesTheGauge() {
    EgressSource both = source("both", immediate(Duration.ofSeconds(30)),
        immediate(Duration.ofSeconds(90)));
    tracker.recordFailure(both, FailureKind.SOURCE_UNPLUMBED);

    tracker.recordFailure(both, FailureKind.PROXY_BIND_REJECTED);

    assertThat(suspendedGauge("both", HealthEvent.Unplumbed)).isZero();
    assertThat(suspendedGauge("both", HealthEvent.ProxyUnhealthy)).isEqualTo(1);
    assertThat(suspensions("both", HealthEvent.ProxyUnhealthy)).isEqualTo(1);
    assertThat(tracker.suspendedUntil("both")).contains(clock.instant().plusSeconds(90));
  }

  @Test
  void thresholdSuspendsOnlyOnceTheLimitIsReachedWithinThePeriod() {
    // spec case 55
    EgressSource proxied = source("proxied", Optional.empty(),
        threshold(3, Duration.ofMinutes(5), Duration.ofMinutes(10)));
    tracker.recordFailure(proxied, FailureKind.PROXY_UNREACHABLE);
    clock.advance(Duration.ofMinutes(1));
    tracker.recordFailure(proxied, FailureKind.PROXY_UNREACHABLE);
    assertThat(tracker.suspendedUntil("proxied")).isEmpty();

    clock.advance(Duration.ofMinutes(3));
    tracker.recordFailure(proxied, FailureKind.PROXY_UNREACHABLE);

    assertThat(tracker.suspendedUntil("proxied")).contains(clock.instant().plus(
        Duration.ofMinutes(10)));
    assertThat(failures("proxied", HealthEvent.ProxyUnhealthy)).isEqualTo(3);
  }

  @Test
  void failuresOlderThanThePeriodNoLongerCount() {
    EgressSource proxied = source("proxied", Optional.empty(),
        threshold(3, Duration.ofMinutes(5), Duration.ofMinutes(10)));
    tracker.recordFailure(proxied, FailureKind.PROXY_UNREACHABLE);
    tracker.recordFailure(proxied, FailureKind.PROXY_UNREACHABLE);

    clock.advance(Duration.ofMinutes(5));
    tracker.recordFailure(proxied, FailureKind.PROXY_UNREACHABLE);

    assertThat(tracker.suspendedUntil("proxied")).isEmpty();
  }

  @Test
  void thresholdWindowIsNotResetBySuspension() {
    EgressSource proxied = source("proxied", Optional.empty(),
        threshold(3, Duration.ofMinutes(5), Duration.ofMinutes(1)));
    for (int i = 0; i < 3; i++) {
      tracker.recordFailure(proxied, FailureKind.PROXY_UNREACHABLE);
    }
    clock.advance(Duration.ofMinutes(1));
    assertThat(tracker.suspendedUntil("proxied")).isEmpty();

    // The three failures are still inside the 5 minute window: one more re-trips at once.
    tracker.recordFailure(proxied, FailureKind.PROXY_UNREACHABLE);

    assertThat(tracker.suspendedUntil("proxied")).isPresent();
    assertThat(suspensions("proxied", HealthEvent.ProxyUnhealthy)).isEqualTo(2);
  }

  @Test
  void changingThePeriodStartsANewWindow() {
    EgressSource fiveMinutes = source("s", Optional.empty(),
        threshold(3, Duration.ofMinutes(5), Duration.ofMinutes(1)));
    EgressSource tenMinutes = source("s", Optional.empty(),
        threshold(3, Duration.ofMinutes(10), Duration.ofMinutes(1)));
    tracker.recordFailure(fiveMinutes, FailureKind.PROXY_UNREACHABLE);
    tracker.recordFailure(fiveMinutes, FailureKind.PROXY_UNREACHABLE);

    tracker.recordFailure(tenMinutes, FailureKind.PROXY_UNREACHABLE);

    assertThat(tracker.suspendedUntil("s")).isEmpty();
  }

  @Test
  void failureKindsWithoutAHealthEventAreIgnored() {
    EgressSource source = source("s", immediate(Duration.ofMinutes(1)),
        immediate(Duration.ofMinutes(1)));
    for (FailureKind kind : FailureKind.values()) {
      if (kind.healthEvent().isEmpty()) {
        tracker.recordFailure(source, kind);
      }
    }

    assertThat(tracker.suspendedUntil("s")).isEmpty();
    assertThat(registry.find(SourceHealthTracker.FAILURES).counters()).isEmpty();
  }

  @Test
  void failureWithoutAMatchingRuleIsOnlyCounted() {
    EgressSource source = source("s", Optional.empty(), immediate(Duration.ofMinutes(1)));

    tracker.recordFailure(source, FailureKind.SOURCE_UNPLUMBED);

    assertThat(failures("s", HealthEvent.Unplumbed)).isEqualTo(1);
    assertThat(tracker.suspendedUntil("s")).isEmpty();
    assertThat(registry.find(SourceHealthTracker.SUSPENSIONS).counters()).isEmpty();
  }

  @Test
  void suspendingOneSourceLeavesOthersAlone() {
    tracker.recordFailure(source("a", immediate(Duration.ofMinutes(1)), Optional.empty()),
        FailureKind.SOURCE_UNPLUMBED);

    assertThat(tracker.suspendedUntil("a")).isPresent();
    assertThat(tracker.suspendedUntil("b")).isEmpty();
  }

  @Test
  void counterSeriesHasKumoMtasShape() {
    assertShape(Duration.ofMinutes(5), 5, 60);
    assertShape(Duration.ofSeconds(30), 1, 30);
    assertShape(Duration.ofSeconds(1), 1, 1);
    assertShape(Duration.ofSeconds(61), 2, 31);
    assertShape(Duration.ofDays(1), 1440, 60);
  }

  private static void assertShape(Duration period, long bucketSeconds, int buckets) {
    CounterSeries series = new CounterSeries(period);
    assertThat(series.bucketSeconds()).as("bucket of %s", period).isEqualTo(bucketSeconds);
    assertThat(series.bucketCount()).as("buckets of %s", period).isEqualTo(buckets);
  }

  @Test
  void counterSeriesForgetsBucketsAsTheyLeaveTheWindow() {
    CounterSeries series = new CounterSeries(Duration.ofSeconds(30));
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    series.incrementAndSum(t0);
    series.incrementAndSum(t0.plusSeconds(10));

    assertThat(series.sum(t0.plusSeconds(29))).isEqualTo(2);
    assertThat(series.sum(t0.plusSeconds(30))).isEqualTo(1);
    assertThat(series.sum(t0.plusSeconds(40))).isZero();
    assertThat(series.incrementAndSum(t0.plusSeconds(500))).isEqualTo(1);
  }

  @Test
  void recordSaysWhichSuspensionAFailureStarted() {
    EgressSource proxied = source("proxied", Optional.empty(),
        threshold(2, Duration.ofMinutes(1), Duration.ofMinutes(10)));

    assertThat(tracker.record(proxied, FailureKind.PROXY_UNREACHABLE)).isEmpty();
    assertThat(tracker.record(proxied, FailureKind.DESTINATION_FAILED)).isEmpty();
    assertThat(tracker.record(proxied, FailureKind.PROXY_UNREACHABLE)).contains(
        new SourceHealthTracker.Suspension("proxied", HealthEvent.ProxyUnhealthy,
            clock.instant().plus(Duration.ofMinutes(10))));
  }

  @Test
  void adoptedSuspensionCountsAndGaugesLikeALocalOne() {
    Instant until = clock.instant().plusSeconds(60);

    boolean changed = tracker.adopt(
        new SourceHealthTracker.Suspension("far", HealthEvent.ProxyUnhealthy, until), "node-b");

    assertThat(changed).isTrue();
    assertThat(tracker.suspendedUntil("far")).contains(until);
    assertThat(suspendedGauge("far", HealthEvent.ProxyUnhealthy)).isEqualTo(1);
    assertThat(suspensions("far", HealthEvent.ProxyUnhealthy)).isEqualTo(1);
  }

  @Test
  void adoptionOnlyEverMovesTheEndLaterSoAnyOrderConverges() {
    Instant early = clock.instant().plusSeconds(30);
    Instant late = clock.instant().plusSeconds(90);
    var first = new SourceHealthTracker.Suspension("s", HealthEvent.ProxyUnhealthy, late);
    var second = new SourceHealthTracker.Suspension("s", HealthEvent.ProxyUnhealthy, early);

    assertThat(tracker.adopt(first, "a")).isTrue();
    assertThat(tracker.adopt(second, "b")).isFalse();
    assertThat(tracker.adopt(first, "a")).isFalse();

    assertThat(tracker.suspendedUntil("s")).contains(late);
    assertThat(suspensions("s", HealthEvent.ProxyUnhealthy)).isEqualTo(1);
  }

  @Test
  void anAdoptedSuspensionThatHasAlreadyEndedIsIgnored() {
    Instant past = clock.instant();

    assertThat(tracker.adopt(
        new SourceHealthTracker.Suspension("old", HealthEvent.Unplumbed, past), "a")).isFalse();
    assertThat(tracker.suspendedUntil("old")).isEmpty();
  }

  @Test
  void windowShapeNamesTheBucketOfAnInstant() {
    WindowShape shape = WindowShape.of(Duration.ofMinutes(5));
    Instant t = Instant.parse("2026-01-01T00:00:59Z");

    assertThat(shape.bucketOf(t)).isEqualTo(t.getEpochSecond() / 5);
    assertThat(shape.span()).isEqualTo(Duration.ofMinutes(5));
    assertThat(WindowShape.of(Duration.ofSeconds(61)).span()).isEqualTo(Duration.ofSeconds(62));
  }
}
