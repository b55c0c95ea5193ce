package dev.egresskit.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class LinkTest {
  private final MutableClock clock = new MutableClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Link link = new Link(clock, registry, "redis://127.0.0.1:6379");

  private double connected() {
    return registry.get(Link.CONNECTED).gauge().value();
  }

  private double fallbacks() {
    return registry.get(Link.FALLBACKS).counter().count();
  }

  @Test
  void aNodeStartsUnjoinedAndJoinsOnTheFirstAnswer() {
    assertThat(link.state()).isEqualTo(Link.State.STARTING);
    assertThat(connected()).isZero();

    assertThat(link.up()).isTrue();

    assertThat(link.joined()).isTrue();
    assertThat(connected()).isEqualTo(1);
    assertThat(link.up()).as("a second answer changes nothing").isFalse();
  }

  @Test
  void losingRedisFallsBackOnceAndRejoiningAsksForAResync() {
    link.up();

    assertThat(link.down("connection refused")).isTrue();
    assertThat(link.down("connection refused")).isFalse();
    assertThat(link.down("timed out")).isFalse();

    assertThat(fallbacks()).isEqualTo(1);
    assertThat(connected()).isZero();
    assertThat(link.state()).isEqualTo(Link.State.FALLBACK);

    assertThat(link.up()).isTrue();
    assertThat(connected()).isEqualTo(1);
    assertThat(link.down("again")).isTrue();
    assertThat(fallbacks()).isEqualTo(2);
  }

  @Test
  void redisDownAtStartIsAFallbackToo() {
    assertThat(link.down("connection refused")).isTrue();

    assertThat(fallbacks()).isEqualTo(1);
    assertThat(link.up()).isTrue();
  }
}
