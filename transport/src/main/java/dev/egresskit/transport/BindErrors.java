package dev.egresskit.transport;

import io.netty.channel.unix.Errors;

/** Recognises EADDRNOTAVAIL ("unplumbed" source address) in what Epoll and NIO throw on bind. */
final class BindErrors {
  /** Linux errno EADDRNOTAVAIL; Netty's native exceptions carry it negated. */
  private static final int EADDRNOTAVAIL = 99;
  /** strerror(EADDRNOTAVAIL); NIO's BindException carries only this text, no errno. */
  private static final String EADDRNOTAVAIL_TEXT = "Cannot assign requested address";

  private BindErrors() {}

  static boolean isAddressNotAvailable(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof Errors.NativeIoException
          && ((Errors.NativeIoException) t).expectedErr() == -EADDRNOTAVAIL) {
        return true;
      }
      if (t.getMessage() != null && t.getMessage().contains(EADDRNOTAVAIL_TEXT)) {
        return true;
      }
    }
    return false;
  }
}
