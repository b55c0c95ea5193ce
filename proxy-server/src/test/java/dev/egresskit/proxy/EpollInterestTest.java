package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import org.junit.jupiter.api.Test;

/**
 * {@link EpollInterest} reaches the interest set of the pinned Netty: without it every session
 * costs the three {@code epoll_ctl} calls it saves again, with nothing else to show it.
 */
class EpollInterestTest {

  @Test
  void flagsAreWrittenIntoNettysInterestWithoutASubmit() {
    assertThat(Epoll.isAvailable()).as("epoll available (%s)", Epoll.unavailabilityCause()).isTrue();
    assertThat(EpollInterest.carriesFlags()).as("Netty's interest field is reachable").isTrue();
    EpollSocketChannel channel = new EpollSocketChannel(SocketProtocolFamily.INET);
    try {
      EpollIoOps before = EpollInterest.interest(channel);
      assertThat(before.contains(EpollIoOps.EPOLLIN)).isFalse();
      EpollInterest.readOnceConnected(channel);
      assertThat(EpollInterest.interest(channel)).isEqualTo(before.with(EpollIoOps.EPOLLIN));
      EpollInterest.keepRegistered(channel);
      assertThat(EpollInterest.interest(channel))
          .isEqualTo(before.with(EpollIoOps.EPOLLIN).with(EpollIoOps.EPOLLET));
    } finally {
      channel.unsafe().closeForcibly();
    }
  }
}
