package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.SelectStrategy;
import io.netty.channel.epoll.Epoll;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every {@link RelayTest} again with the low-latency mode on ({@code busyPoll}: I/O threads poll
 * before they block), plus the bounds of the mode itself.
 */
class BusyPollRelayTest extends RelayTest {

  @BeforeAll
  static void epollIsHere() {
    // Busy polling is an epoll strategy: without epoll this class would test nothing new.
    assertThat(Epoll.isAvailable()).as("epoll available (%s)", Epoll.unavailabilityCause()).isTrue();
  }

  @Override
  Socks5ProxyServer.Builder loopback() {
    return super.loopback().busyPoll(Duration.ofNanos(50_000));
  }

  @Test
  void aThreadWithNothingToDoSpinsAtMostTheBoundThenBlocks() throws Exception {
    SelectStrategy strategy = BusyPoll.factory(Duration.ofMillis(2)).newSelectStrategy();
    AtomicInteger polls = new AtomicInteger();
    long start = System.nanoTime();
    int decision = strategy.calculateStrategy(() -> {
      polls.incrementAndGet();
      return 0;
    }, false);
    long took = System.nanoTime() - start;

    assertThat(decision).isEqualTo(SelectStrategy.SELECT);
    assertThat(polls.get()).isGreaterThan(1);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(2).toNanos())
        .isLessThan(Duration.ofSeconds(1).toNanos());
  }

  @Test
  void readyEventsEndTheSpinAndPendingTasksNeverSpin() throws Exception {
    SelectStrategy strategy = BusyPoll.factory(Duration.ofSeconds(10)).newSelectStrategy();
    AtomicInteger polls = new AtomicInteger();
    // The third poll finds two ready events: they are handled at once, long before the bound.
    assertThat(strategy.calculateStrategy(() -> polls.incrementAndGet() == 3 ? 2 : 0, false))
        .isEqualTo(2);
    assertThat(polls.get()).isEqualTo(3);
    polls.set(0);
    assertThat(strategy.calculateStrategy(() -> {
      polls.incrementAndGet();
      return 0;
    }, true)).isZero();
    assertThat(polls.get()).isEqualTo(1);
  }

  @Test
  void theSpinIsBoundedByTheBuilder() {
    assertThatThrownBy(() -> Socks5ProxyServer.builder().busyPoll(Duration.ofMillis(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("busyPoll is 2000us: expected 0 (off) to 1000us");
    assertThatThrownBy(() -> Socks5ProxyServer.builder().busyPoll(Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
