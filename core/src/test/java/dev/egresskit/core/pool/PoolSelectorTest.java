package dev.egresskit.core.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.core.health.SourceHealthTracker;
import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.HealthRules;
import dev.egresskit.core.model.PoolEntry;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.SuspendOnFailure;
import dev.egresskit.core.model.Trigger;
import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PoolSelectorTest {

  private static EgressPool pool(String... nameWeightPairs) {
    List<PoolEntry> entries = new ArrayList<>();
    for (int i = 0; i < nameWeightPairs.length; i += 2) {
      entries.add(new PoolEntry(nameWeightPairs[i], Long.parseLong(nameWeightPairs[i + 1])));
    }
    return new EgressPool("pool", entries, Duration.ofMinutes(1));
  }

  private static List<String> picks(PoolSelector selector, int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add(selector.next().orElseThrow().name());
    }
    return names;
  }

  @Test
  void theCycleLengthIsThePeriodOfTheSequence() {
    EgressPool pool = pool("a", "4", "b", "2", "off", "0", "c", "6");
    assertThat(PoolSelector.cycleLength(pool)).isEqualTo(6);
    List<String> picks = picks(PoolSelector.of(pool), 12);
    assertThat(picks.subList(6, 12)).isEqualTo(picks.subList(0, 6));
    assertThat(picks.subList(0, 6)).containsOnly("a", "b", "c")
        .filteredOn("c"::equals).hasSize(3);
    assertThat(PoolSelector.cycleLength(pool("x", "0"))).isZero();
    assertThat(PoolSelector.cycleLength(pool())).isZero();
  }

  @Test
  void weightsFiveTwoThreeRepeatKumoMtasSequence() {
    // spec case 45
    PoolSelector selector = PoolSelector.of(pool("one", "5", "two", "2", "three", "3"));

    List<String> hundred = picks(selector, 100);

    assertThat(hundred.subList(0, 10)).containsExactly(
        "two", "three", "one", "one", "one", "three", "one", "two", "three", "one");
    assertThat(hundred.subList(10, 20)).isEqualTo(hundred.subList(0, 10));
    Map<String, Integer> counts = new HashMap<>();
    hundred.forEach(n -> counts.merge(n, 1, Integer::sum));
    assertThat(counts).containsExactlyInAnyOrderEntriesOf(
        Map.of("one", 50, "two", 20, "three", 30));
  }

  @Test
  void equalWeightsStartWithTheSecondEntry() {
    // spec case 46
    assertThat(picks(PoolSelector.of(pool("a", "1", "b", "1", "c", "1")), 6))
        .containsExactly("b", "c", "a", "b", "c", "a");
  }

  @Test
  void weightsTwoOneGiveBAA() {
    // spec case 47
    assertThat(picks(PoolSelector.of(pool("a", "2", "b", "1")), 6))
        .containsExactly("b", "a", "a", "b", "a", "a");
  }

  @Test
  void singleEntryIsAlwaysPicked() {
    // spec case 48
    assertThat(picks(PoolSelector.of(pool("x", "1")), 3)).containsExactly("x", "x", "x");
  }

  @Test
  void entriesOfWeightZeroAreNeverPicked() {
    assertThat(picks(PoolSelector.of(pool("a", "1", "zero", "0", "b", "1")), 4))
        .containsExactly("b", "a", "b", "a");
  }

  @Test
  void largestWeightsDoNotSlowSelectionDown() {
    PoolSelector selector = PoolSelector.of(pool("big", Long.toString(PoolEntry.MAX_WEIGHT),
        "small", "1"));

    List<String> names = picks(selector, 1_000);

    assertThat(names.get(0)).isEqualTo("small");
    assertThat(names.subList(1, 1_000)).containsOnly("big");
  }

  @Test
  void poolWithoutWeightedEntriesHasNoSources() {
    // spec case 49
    for (EgressPool pool : List.of(pool("a", "0", "b", "0"), pool())) {
      PoolSelection selection = PoolSelector.of(pool).select("q@example.com",
          SourceHealth.disabled());

      assertThat(selection).isInstanceOf(PoolSelection.NoSources.class);
      assertThat(selection.description())
          .isEqualTo("no sources available for q@example.com pool=`pool`");
      assertThat(((PoolSelection.NoSources) selection).response())
          .isEqualTo("451 4.4.4 KumoMTA internal: no sources available for q@example.com"
              + " pool=`pool`");
      assertThat(PoolSelector.of(pool).next()).isEmpty();
    }
  }

  @Test
  void poolWhoseSourcesAreAllSuspendedReportsTheEarliestExpiry() {
    // spec case 50
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    Map<String, Instant> suspended = Map.of(
        "a", now.plusSeconds(300), "b", now.plusSeconds(60));
    SourceHealth health = fixedHealth(suspended);

    PoolSelection selection = PoolSelector.of(pool("a", "1", "b", "1", "off", "0"))
        .select("q", health);

    assertThat(selection).isEqualTo(new PoolSelection.AllSuspended("q", "pool",
        now.plusSeconds(60)));
    assertThat(selection.description())
        .isEqualTo("no sources for q pool=`pool` are eligible for selection at this time");
    assertThat(((PoolSelection.AllSuspended) selection).response())
        .startsWith("451 4.4.4 KumoMTA internal: no sources for q pool=`pool`");
  }

  @Test
  void suspendedSourcesAreSkipped() {
    SourceHealth health = fixedHealth(Map.of("b", Instant.MAX));
    PoolSelector selector = PoolSelector.of(pool("a", "1", "b", "1", "c", "1"));

    List<String> names = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      PoolSelection selection = selector.select("q", health);
      names.add(((PoolSelection.Selected) selection).sourceName());
    }

    assertThat(names).containsExactly("c", "a", "c", "a", "c", "a");
  }

  @Test
  void sourceSuspendedByTheHealthTrackerIsSkippedUntilTheSuspensionEnds() {
    MutableClock clock = new MutableClock();
    SourceHealthTracker tracker = SourceHealthTracker.create(clock, new SimpleMeterRegistry());
    EgressSource bad = new EgressSource("bad", Optional.empty(), OptionalInt.empty(),
        Duration.ofMinutes(1), new HealthRules(Optional.of(new SuspendOnFailure(
            Trigger.Immediate.INSTANCE, Duration.ofSeconds(60))), Optional.empty()),
        new Route.Direct(Optional.empty()));
    PoolSelector selector = PoolSelector.of(pool("good", "1", "bad", "1"));
    tracker.recordFailure(bad, FailureKind.SOURCE_UNPLUMBED);

    for (int i = 0; i < 10; i++) {
      assertThat(selector.select("q", tracker))
          .isEqualTo(new PoolSelection.Selected("q", "pool", new PoolEntry("good", 1)));
    }
    clock.advance(Duration.ofSeconds(60));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      names.add(((PoolSelection.Selected) selector.select("q", tracker)).sourceName());
    }
    assertThat(names).containsExactlyInAnyOrder("good", "good", "bad", "bad");
  }

  @Test
  void selectorKeepsItsStateWhileThePoolIsUnchanged() {
    EgressPool pool = pool("a", "1", "b", "1", "c", "1");
    PoolSelector selector = PoolSelector.of(pool);
    selector.next();

    PoolSelector same = selector.refreshed(pool("a", "1", "b", "1", "c", "1"));
    PoolSelector changed = selector.refreshed(pool("a", "1", "c", "1", "b", "1"));

    assertThat(same).isSameAs(selector);
    assertThat(same.next()).contains(new PoolEntry("c", 1));
    assertThat(changed).isNotSameAs(selector);
    assertThat(changed.next()).contains(new PoolEntry("c", 1));
    assertThat(changed.pool().entries()).extracting(PoolEntry::name)
        .isEqualTo(Arrays.asList("a", "c", "b"));
  }

  private static SourceHealth fixedHealth(Map<String, Instant> suspended) {
    return new SourceHealth() {
      @Override
      public Optional<Instant> suspendedUntil(String sourceName) {
        return Optional.ofNullable(suspended.get(sourceName));
      }

      @Override
      public void recordFailure(EgressSource source, FailureKind kind) {
        throw new AssertionError("selection must not record failures");
      }
    };
  }
}
