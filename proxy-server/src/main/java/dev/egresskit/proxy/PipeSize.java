package dev.egresskit.proxy;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import io.netty.channel.unix.FileDescriptor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Grows a relay's pipe with {@code fcntl(F_SETPIPE_SZ)}. A pipe holds 64 KiB by default, so each
 * {@code splice(2)} moves at most that, and on loopback the kernel's per-call work (an ACK to
 * the sender, a push and a wake-up of the receiver, each run in the relay's thread) costs more
 * than the bytes: a 1 MiB pipe takes the relay's CPU per GB from ~0.75 s to ~0.3 s (measured
 * with the C relay in {@code benchmarks/native/relay-anchor.c}).
 *
 * <p>Netty does not expose {@code fcntl} and Java 17 has no API for it, so libc's is called
 * through JNA, on every Java version the project runs on (17 and later; one path, where
 * {@code java.lang.foreign} would serve only Java 22+). JNA's jar carries its JNI stub for
 * Linux x86-64 and aarch64; it loads it with {@code System.load}, a restricted method from Java
 * 24 on, which runs without a warning with {@code --enable-native-access=ALL-UNNAMED} (the CLI
 * jar's manifest says so for itself). Where JNA cannot load (no stub for the platform, native
 * access denied, no writable directory to unpack the stub to) or the kernel refuses the size
 * (past {@code /proc/sys/fs/pipe-max-size} for an unprivileged user, or the user's pipe quota),
 * pipes keep the default size and relays splice 64 KiB at a time; {@link #available} says which,
 * and the proxy's start line reports the pipe size.
 *
 * <p>At most {@link #MAX_GROWN} pipes are grown at once: Linux charges a user's pipes against
 * {@code /proc/sys/fs/pipe-user-pages-soft} (16,384 pages by default), and past it every new
 * pipe of that user gets 8 KiB. 32 grown pipes take half of that; the rest keep 64 KiB.
 */
final class PipeSize {

  /** What each relay pipe is grown to: Linux's default {@code pipe-max-size}. */
  static final int WANTED = 1 << 20;
  private static final int F_SETPIPE_SZ = 1031;
  private static final int F_GETPIPE_SZ = 1032;
  /** How many pipes may be grown at once (32 MiB of pipe space, 8,192 pages). */
  static final int MAX_GROWN = 32;
  private static final AtomicInteger GROWN = new AtomicInteger();

  private PipeSize() {}

  /** Whether this runtime can resize pipes at all (JNA loaded and bound libc's fcntl). */
  static boolean available() {
    return LibC.BOUND;
  }

  /**
   * Grows the pipe (any end) to {@link #WANTED} bytes, if fewer than {@link #MAX_GROWN} are.
   * A pipe this returned a size for must be given back with {@link #released} when closed.
   *
   * @return the pipe's size afterwards, or -1 when it was not changed (its size stays 64 KiB)
   */
  static int grow(FileDescriptor pipe) {
    if (!LibC.BOUND) {
      return -1;
    }
    if (GROWN.incrementAndGet() > MAX_GROWN) {
      GROWN.decrementAndGet();
      return -1;
    }
    int r = LibC.fcntl(pipe.intValue(), F_SETPIPE_SZ, WANTED);
    if (r < 0) {
      GROWN.decrementAndGet();
      return -1;
    }
    return r;
  }

  /** A pipe {@link #grow} grew has been closed. */
  static void released() {
    GROWN.decrementAndGet();
  }

  /** How many grown pipes are open. */
  static int grown() {
    return GROWN.get();
  }

  /** The pipe's size in bytes, or -1 where it cannot be read (as for {@link #grow}). */
  static int size(FileDescriptor pipe) {
    if (!LibC.BOUND) {
      return -1;
    }
    int r = LibC.fcntl(pipe.intValue(), F_GETPIPE_SZ, 0);
    return r < 0 ? -1 : r;
  }

  /**
   * libc's {@code fcntl}, direct-mapped by JNA (a JNI call, no proxy or argument boxing). Its
   * own class so that loading JNA happens once, when a pipe is first grown or the start line
   * asks, and a failure to load leaves {@link #BOUND} false instead of failing the relay.
   */
  private static final class LibC {
    static final boolean BOUND = bind();

    private LibC() {}

    /**
     * {@code int fcntl(int fd, int cmd, ...)}. fcntl is variadic, and JNA's direct mapping
     * calls it as a fixed {@code (int, int, int)} function. That is sound where a variadic int
     * travels as a named one does: on x86-64 Linux (System V: the third integer register; the
     * callee reads only {@code %al}, which libffi sets, for vector registers) and on aarch64
     * Linux (AAPCS64: {@code x2}); not on Apple's arm64, where variadic arguments go on the
     * stack, which the proxy's splice relay, Linux-only, never runs on.
     */
    static native int fcntl(int fd, int cmd, int arg);

    private static boolean bind() {
      try {
        if (!Platform.isLinux()) {
          return false; // F_SETPIPE_SZ is Linux's; splice relays run only there
        }
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        return true;
      } catch (LinkageError | RuntimeException e) {
        // JNA missing or without a stub for this platform, native access denied
        // (IllegalCallerException), or no directory to unpack the stub to: keep 64 KiB pipes
        // (the start line says the size).
        return false;
      }
    }
  }
}
