package dev.egresskit.proxy;

import io.netty.channel.Channel;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.Native;
import java.lang.reflect.Method;

/**
 * Works around Netty 4.2.18's epoll transport: a channel left with no interest (input shut down,
 * nothing waiting to be written) is removed from epoll while Netty still believes it is added,
 * so the next wait for writability fails (epoll_ctl MOD: ENOENT) and the queued writes are lost.
 * Marking a channel whose input is shut down edge-triggered keeps its interest set non-empty;
 * only EPOLLOUT is left to wait for, and a MOD re-arm reports a writable socket at once.
 */
final class EpollInterest {

  private static final Method SET_FLAG = setFlag();

  private EpollInterest() {}

  private static Method setFlag() {
    try {
      Method m = AbstractEpollStreamChannel.class.getSuperclass().getDeclaredMethod("setFlag", int.class);
      m.setAccessible(true);
      return m;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }

  static void keepRegistered(Channel channel) {
    if (SET_FLAG != null && channel instanceof AbstractEpollStreamChannel epoll && epoll.isOpen()) {
      try {
        SET_FLAG.invoke(epoll, Native.EPOLLET);
      } catch (ReflectiveOperationException e) {
        // Already removed from epoll (its input shut down before the relay started): nothing
        // left to keep; a write that has to wait for room will still fail as without this.
      }
    }
  }
}
