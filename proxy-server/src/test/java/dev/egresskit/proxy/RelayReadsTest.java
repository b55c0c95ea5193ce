package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The read sizing of relay channels, as Netty's read loop drives it: the size guess of each read
 * after reads that filled their buffer (bulk data) or did not (a handshake, an SMTP line).
 */
class RelayReadsTest {

  private static final int NETTY_DEFAULT_MAX = 64 * 1024;

  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final ChannelConfig config = channel.config();

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  @Test
  void aShortSessionReadsWithNettysSmallFirstGuess() {
    RecvByteBufAllocator.Handle reads = RelayReads.ALLOCATOR.newHandle();
    reads.reset(config);
    assertThat(reads.guess()).isEqualTo(AdaptiveRecvByteBufAllocator.DEFAULT_INITIAL);
    for (int i = 0; i < 10; i++) {
      read(reads, 40); // a greeting, a request, an SMTP command: nothing fills the buffer
    }
    assertThat(reads.guess()).isLessThanOrEqualTo(AdaptiveRecvByteBufAllocator.DEFAULT_INITIAL);
  }

  @Test
  void bulkReadsGrowPastNettysDefaultCeilingToOneMebibyteAndNoFurther() {
    assertThat(largestGuess(RelayReads.ALLOCATOR)).isEqualTo(RelayReads.MAX_READ)
        .isGreaterThan(NETTY_DEFAULT_MAX);
  }

  @Test
  void nettysDefaultAllocatorStopsAtSixtyFourKibibytes() {
    // The control: what the relay read with before, under the same reads.
    assertThat(largestGuess(new AdaptiveRecvByteBufAllocator())).isEqualTo(NETTY_DEFAULT_MAX);
  }

  @Test
  void readsShrinkAgainWhenTheBulkEnds() {
    RecvByteBufAllocator.Handle reads = RelayReads.ALLOCATOR.newHandle();
    reads.reset(config);
    for (int i = 0; i < 10; i++) {
      read(reads, reads.guess());
    }
    int bulk = reads.guess();
    for (int i = 0; i < 40; i++) {
      read(reads, 40);
    }
    assertThat(reads.guess()).isLessThan(bulk / 100);
  }

  /** The largest guess after a run of reads that each fill what they were given. */
  private int largestGuess(RecvByteBufAllocator allocator) {
    RecvByteBufAllocator.Handle reads = allocator.newHandle();
    reads.reset(config);
    int largest = 0;
    for (int i = 0; i < 20; i++) {
      int guess = reads.guess();
      largest = Math.max(largest, guess);
      read(reads, guess);
    }
    return largest;
  }

  /** One read of {@code bytes} into a buffer of the handle's guess, as Netty's loop records it. */
  private void read(RecvByteBufAllocator.Handle reads, int bytes) {
    reads.attemptedBytesRead(reads.guess());
    reads.lastBytesRead(bytes);
    reads.incMessagesRead(1);
    reads.readComplete();
    reads.reset(config);
  }
}
