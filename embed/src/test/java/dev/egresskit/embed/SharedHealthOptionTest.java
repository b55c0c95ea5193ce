package dev.egresskit.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.fleet.RedisSourceHealth;
import dev.egresskit.transport.EgressConnectException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sharedHealth(url)} without a Redis: the option picks the fleet's health, an
 * unreachable Redis leaves the kit on its own health (it connects and suspends as before), and a
 * URL that is not a Redis URL is refused at once. The Redis side is proved in the interop ITs.
 */
class SharedHealthOptionTest {
  @TempDir Path dir;

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }

  @Test
  void anUnreachableRedisLeavesTheKitOnItsOwnHealthAndItStillSuspends() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (EgressKit kit = EgressKit.builder().policy(TestPolicy.write(dir, null))
        .meterRegistry(meters).eventLoopThreads(1)
        .sharedHealth("redis://127.0.0.1:" + closedPort()).build()) {

      assertThat(kit.health()).isInstanceOfSatisfying(RedisSourceHealth.class,
          fleet -> assertThat(fleet.joined()).isFalse());
      assertThat(meters.get("egresskit_fleet_fallbacks_total").counter().count()).isEqualTo(1);
      assertThatThrownBy(() -> kit.openSocket("unplumbed", "127.0.0.1", 25,
          Duration.ofSeconds(10)))
          .isInstanceOfSatisfying(EgressConnectException.class,
              e -> assertThat(e.kind()).isEqualTo(FailureKind.SOURCE_UNPLUMBED));
      assertThat(kit.health().suspendedUntil("unplumbed")).isPresent();
    }
  }

  @Test
  void aUrlThatIsNotRedisIsRefusedWithoutShowingThePassword() {
    assertThatThrownBy(() -> EgressKit.builder().sharedHealth("http://ops:pw123@cache:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://ops:***@cache:6379")
        .hasMessageContaining("redis:// or rediss://")
        .hasMessageNotContaining("pw123");
  }

  @Test
  void withoutTheOptionTheKitKeepsItsOwnHealth() {
    try (EgressKit kit = EgressKit.builder().policy(TestPolicy.write(dir, null))
        .eventLoopThreads(1).build()) {
      assertThat(kit.health()).isNotInstanceOf(RedisSourceHealth.class);
    }
  }
}
