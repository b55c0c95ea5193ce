package dev.egresskit.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.health.HealthEvent;
import dev.egresskit.core.health.WindowShape;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TallyTest {

  @Test
  void theScriptsFormIsRead() {
    assertThat(Tally.parse("2 29452345 node-1 node-1:7 egresskit:health:{ip 1}:window:ProxyUnhealthy:1x60"))
        .contains(new Tally(2, 29452345, "node-1", "node-1:7",
            "egresskit:health:{ip 1}:window:ProxyUnhealthy:1x60"));
  }

  @Test
  void anythingElseIsNotATally() {
    assertThat(Tally.parse(null)).isEmpty();
    assertThat(Tally.parse("ProxyUnhealthy 1700000000000 node-1 ip-1")).isEmpty();
    assertThat(Tally.parse("x 1 node-1 node-1:1 w")).isEmpty();
    assertThat(Tally.parse("1 1 node-1 node-1:1")).isEmpty();
  }

  @Test
  void aTallyHoldsWhileItsOldestFailureIsInsideTheWindow() {
    Tally tally = new Tally(2, 100, "n", "n:1", "w");
    // A window of 60 buckets at head 159 counts buckets 100..159; at head 160 bucket 100 is out.
    assertThat(tally.holdsAt(100, 60)).isTrue();
    assertThat(tally.holdsAt(159, 60)).isTrue();
    assertThat(tally.holdsAt(160, 60)).isFalse();
  }

  @Test
  void theWindowShapeComesFromTheKey() {
    String key = new Keys("p:").window("ip-1", HealthEvent.ProxyUnhealthy,
        WindowShape.of(Duration.ofMinutes(5)));
    // 5 minutes: 60 buckets of 5 s. Oldest failure in bucket 100 (seconds 500..504).
    Tally tally = new Tally(2, 100, "n", "n:1", key);
    assertThat(tally.holdsAt(Instant.ofEpochSecond(500 + 59 * 5 + 4))).isTrue();
    assertThat(tally.holdsAt(Instant.ofEpochSecond(500 + 60 * 5))).isFalse();
    assertThat(new Tally(2, 100, "n", "n:1", "not-a-window").holdsAt(Instant.EPOCH)).isFalse();
  }
}
