package dev.egresskit.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.health.HealthEvent;
import dev.egresskit.core.health.SourceHealthTracker.Suspension;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AnnouncementTest {

  @Test
  void formatAndParseRoundTripASourceNameWithSpaces() {
    Announcement a = new Announcement(new Suspension("pool a / ip 1", HealthEvent.ProxyUnhealthy,
        Instant.ofEpochMilli(1_764_590_000_123L)), "node-7");

    assertThat(a.format()).isEqualTo("ProxyUnhealthy 1764590000123 node-7 pool a / ip 1");
    assertThat(Announcement.parse(a.format())).contains(a);
  }

  @Test
  void textThatIsNotAnAnnouncementIsNotParsed() {
    assertThat(Announcement.parse(null)).isEmpty();
    assertThat(Announcement.parse("")).isEmpty();
    assertThat(Announcement.parse("Sleepy 1 node s")).isEmpty();
    assertThat(Announcement.parse("Unplumbed soon node s")).isEmpty();
    assertThat(Announcement.parse("Unplumbed 1 node")).isEmpty();
  }
}
