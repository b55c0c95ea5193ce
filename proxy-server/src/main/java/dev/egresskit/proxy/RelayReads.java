package dev.egresskit.proxy;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;

/**
 * How large the proxy's reads may grow: the receive-buffer sizing of every channel it relays
 * on, the accepted client's and the outbound one.
 *
 * <p>Reads start as small as Netty's default (2 KiB, so a handshake or an MTA's short session
 * costs nothing more) and grow while they fill their buffer, up to 1 MiB where Netty stops at
 * 64 KiB. On a bulk transfer the size of a read decides what the copying relay costs: each read
 * that frees receive space makes the kernel send a window update and wake the sender, so 1 MiB
 * reads take a sixteenth of the reads, acknowledgements and wake-ups of 64 KiB ones. Measured
 * through a loopback relay ({@code benchmarks/proxy-relay -n}): CPU per GB about half, near a C
 * relay's copying through a 1 MiB buffer, where 256 KiB and 512 KiB reads gained little.
 *
 * <p>It must be set when a channel is created: Netty builds a channel's read-size handle at its
 * first read and keeps it, so setting an allocator once the handshake has read changes nothing.
 */
final class RelayReads {

  /** The largest single read of a relay channel. */
  static final int MAX_READ = 1 << 20;

  /** Netty's minimum and first guess, with room to grow to {@link #MAX_READ}. */
  static final RecvByteBufAllocator ALLOCATOR = new AdaptiveRecvByteBufAllocator(
      AdaptiveRecvByteBufAllocator.DEFAULT_MINIMUM, AdaptiveRecvByteBufAllocator.DEFAULT_INITIAL,
      MAX_READ);

  private RelayReads() {}
}
