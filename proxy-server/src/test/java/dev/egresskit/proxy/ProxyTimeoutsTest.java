package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Timeouts print as KumoMTA prints durations ({@code 5s}), never as ISO-8601 ({@code PT5S}). */
class ProxyTimeoutsTest {

  @Test
  void toStringUsesHumantimeDurations() {
    assertThat(ProxyTimeouts.defaults().withConnect(Duration.ofMillis(1500)).toString())
        .isEqualTo("ProxyTimeouts[greeting=10s, auth=10s, request=10s, connect=1s 500ms,"
            + " idle=10m, shutdown=30s]")
        .doesNotContain("PT");
  }

  @Test
  void anOutOfRangeTimeoutIsNamedInHumantime() {
    assertThatThrownBy(() -> ProxyTimeouts.defaults().withAuth(Duration.ofSeconds(-5)))
        .hasMessage("timeout auth is -5s: expected between 1ms and 24d 20h 31m 23s 647ms");
  }
}
