package dev.egresskit.proxy;

import io.netty.channel.Channel;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollIoOps;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Method;

/**
 * Adjusts the epoll interest of Netty 4.2.18's epoll stream channels where its own handling
 * costs an {@code epoll_ctl} per session that need not be made, or loses writes.
 *
 * <p>Netty keeps the interest set in a field and submits it with {@code epoll_ctl} whenever a
 * flag changes (it adds a socket to epoll only once the set is non-empty). A flag written into
 * that field without a submit is carried by the next {@code epoll_ctl} Netty makes anyway: the
 * registration of an accepted socket, the {@code EPOLLOUT} of a dial, the clearing of
 * {@code EPOLLRDHUP} after a FIN. That is what {@link #readFromRegistration},
 * {@link #readOnceConnected} and {@link #keepRegistered} do. Without access to the field (a
 * different Netty), the first two do nothing (Netty then arms reads itself, one call later) and
 * the last submits at once, as Netty's own {@code setFlag} does.
 */
final class EpollInterest {

  private static final Class<?> EPOLL_CHANNEL = AbstractEpollStreamChannel.class.getSuperclass();
  private static final VarHandle OPS = ops();
  private static final Method SET_FLAG = setFlag();

  private EpollInterest() {}

  private static VarHandle ops() {
    try {
      return MethodHandles.privateLookupIn(EPOLL_CHANNEL, MethodHandles.lookup())
          .findVarHandle(EPOLL_CHANNEL, "ops", EpollIoOps.class);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }

  private static Method setFlag() {
    try {
      Method m = EPOLL_CHANNEL.getDeclaredMethod("setFlag", int.class);
      m.setAccessible(true);
      return m;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }

  /** Whether flags can be written without a submit (tests check it holds with our Netty). */
  static boolean carriesFlags() {
    return OPS != null;
  }

  /**
   * An accepted socket, before it is registered: its registration adds it to epoll with
   * {@code EPOLLIN} already set. Netty would add it without, then arm reads at once (auto-read
   * is on) with a second {@code epoll_ctl}; both happen before the loop next waits, so nothing
   * else changes.
   */
  static void readFromRegistration(Channel channel) {
    carry(channel, EpollIoOps.EPOLLIN);
  }

  /**
   * An outbound socket about to dial, auto-read off: the dial's {@code epoll_ctl} (which adds
   * {@code EPOLLOUT}) carries {@code EPOLLIN} along, so turning auto-read on when the relay
   * starts is free. Not before the dial: a socket that is not connected reports a hang-up, and
   * the loop would wake for it. Bytes that arrive before the relay takes over (only when the
   * session ends first) are read once and dropped, as on a channel nobody reads from.
   */
  static void readOnceConnected(Channel channel) {
    carry(channel, EpollIoOps.EPOLLIN);
  }

  /**
   * Works around Netty 4.2.18's epoll transport: a channel left with no interest (input shut
   * down, nothing waiting to be written) is removed from epoll while Netty still believes it is
   * added, so the next wait for writability fails (epoll_ctl MOD: ENOENT) and the queued writes
   * are lost. Marking a channel whose input is shut down edge-triggered keeps its interest set
   * non-empty; only EPOLLOUT is left to wait for, and a MOD re-arm reports a writable socket at
   * once. The flag goes out with Netty's next {@code epoll_ctl} for the channel (the clearing
   * of {@code EPOLLRDHUP} that follows a FIN); no set that Netty submits can be empty any more.
   */
  static void keepRegistered(Channel channel) {
    if (!(channel instanceof AbstractEpollStreamChannel epoll) || !epoll.isOpen()) {
      return;
    }
    if (OPS != null) {
      carry(channel, EpollIoOps.EPOLLET);
    } else if (SET_FLAG != null) {
      try {
        SET_FLAG.invoke(epoll, EpollIoOps.EPOLLET.value());
      } catch (ReflectiveOperationException e) {
        // Already removed from epoll (the mark came too late): nothing left to keep; a write
        // that has to wait for room will still fail as without this.
      }
    }
  }

  /** Adds {@code flag} to the channel's interest without an {@code epoll_ctl}. */
  private static void carry(Channel channel, EpollIoOps flag) {
    if (OPS != null && channel instanceof AbstractEpollStreamChannel) {
      EpollIoOps current = (EpollIoOps) OPS.get(channel);
      OPS.set(channel, current.with(flag));
    }
  }

  /** The interest Netty will submit next for an epoll channel (for tests), else null. */
  static EpollIoOps interest(Channel channel) {
    return OPS != null && channel instanceof AbstractEpollStreamChannel
        ? (EpollIoOps) OPS.get(channel) : null;
  }
}
