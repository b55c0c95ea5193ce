package dev.egresskit.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.health.HealthEvent;
import dev.egresskit.core.health.WindowShape;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeysTest {
  private final Keys keys = new Keys("egresskit:health:");

  @Test
  void aSourcesKeysShareItsHashTagAndTheWindowNamesItsShape() {
    assertThat(keys.window("ip-1", HealthEvent.ProxyUnhealthy, WindowShape.of(Duration.ofMinutes(5))))
        .isEqualTo("egresskit:health:{ip-1}:window:ProxyUnhealthy:5x60");
    assertThat(keys.suspension("ip-1")).isEqualTo("egresskit:health:{ip-1}:suspended");
    assertThat(keys.suspensionPattern()).isEqualTo("egresskit:health:{*}:suspended");
    assertThat(keys.channel()).isEqualTo("egresskit:health:suspensions");
  }
}
