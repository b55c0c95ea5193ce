package dev.egresskit.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FleetHealthSettingsTest {

  @Test
  void theRedactedUrlHidesThePasswordAndKeepsTheRest() {
    assertThat(FleetHealthSettings.of("redis://ops:s3cret@10.0.0.5:6380/2").redactedUrl())
        .isEqualTo("redis://ops:***@10.0.0.5:6380/2");
    assertThat(FleetHealthSettings.of("rediss://s3cret@cache.example:6379").redactedUrl())
        .isEqualTo("rediss://:***@cache.example:6379");
    assertThat(FleetHealthSettings.of("redis://127.0.0.1:6379/0").redactedUrl())
        .isEqualTo("redis://127.0.0.1:6379/0");
  }

  @Test
  void toStringNeverShowsThePassword() {
    FleetHealthSettings settings = FleetHealthSettings.of("redis://u:hunter2@127.0.0.1:6379");

    assertThat(settings.toString()).doesNotContain("hunter2").contains("redis://u:***@127.0.0.1");
  }

  @Test
  void anotherSchemeIsRejectedNamingTheAllowedOnesWithoutThePassword() {
    assertThatThrownBy(() -> FleetHealthSettings.of("http://u:hunter2@127.0.0.1:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis:// or rediss://")
        .hasMessageContaining("http://u:***@127.0.0.1:6379")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void aUrlWithoutHostIsRejected() {
    assertThatThrownBy(() -> FleetHealthSettings.of("redis:///0"))
        .hasMessageContaining("no host");
  }

  @Test
  void keyPrefixAndNodeIdAreChecked() {
    FleetHealthSettings ok = FleetHealthSettings.of("redis://127.0.0.1");

    assertThatThrownBy(() -> ok.withKeyPrefix("fleet*"))
        .hasMessageContaining("letters, digits and : _ . - only");
    assertThatThrownBy(() -> ok.withNodeId("node a"))
        .hasMessageContaining("no white space");
    assertThatThrownBy(() -> ok.withBound(Duration.ZERO))
        .hasMessageContaining("bound must be positive");
  }

  @Test
  void eachSettingsGetsItsOwnNodeId() {
    assertThat(FleetHealthSettings.of("redis://127.0.0.1").nodeId())
        .isNotEqualTo(FleetHealthSettings.of("redis://127.0.0.1").nodeId())
        .doesNotContainAnyWhitespaces();
  }
}
