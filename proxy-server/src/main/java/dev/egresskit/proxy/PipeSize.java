package dev.egresskit.proxy;

import io.netty.channel.unix.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Grows a relay's pipe with {@code fcntl(F_SETPIPE_SZ)}. A pipe holds 64 KiB by default, so each
 * {@code splice(2)} moves at most that, and on loopback the kernel's per-call work (an ACK to
 * the sender, a push and a wake-up of the receiver, each run in the relay's thread) costs more
 * than the bytes: a 1 MiB pipe takes the relay's CPU per GB from ~0.75 s to ~0.3 s (measured
 * with the C relay in {@code benchmarks/native/relay-anchor.c}).
 *
 * <p>Netty does not expose {@code fcntl}, and Java 17 has no supported way to call it. From
 * Java 22 on, the Foreign Function &amp; Memory API does, without native code of our own; it is
 * reached by reflection because the project compiles for Java 17. On older runtimes, or where
 * the call is refused (not permitted, or the pipe would pass {@code /proc/sys/fs/pipe-max-size}
 * or the user's pipe quota), pipes keep the default size and relays splice 64 KiB at a time.
 * The JVM allows the call without a warning with {@code --enable-native-access=ALL-UNNAMED}
 * (the CLI jar's manifest says so for itself).
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
  /** {@code int fcntl(int fd, int cmd, int arg)}, or null where it cannot be called. */
  private static final MethodHandle FCNTL = fcntl();
  /** How many pipes may be grown at once (32 MiB of pipe space, 8,192 pages). */
  static final int MAX_GROWN = 32;
  private static final AtomicInteger GROWN = new AtomicInteger();

  private PipeSize() {}

  /** Whether this runtime can resize pipes at all (Java 22 or later, with fcntl found). */
  static boolean available() {
    return FCNTL != null;
  }

  /**
   * Grows the pipe (any end) to {@link #WANTED} bytes, if fewer than {@link #MAX_GROWN} are.
   * A pipe this returned a size for must be given back with {@link #released} when closed.
   *
   * @return the pipe's size afterwards, or -1 when it was not changed (its size stays 64 KiB)
   */
  static int grow(FileDescriptor pipe) {
    if (FCNTL == null) {
      return -1;
    }
    if (GROWN.incrementAndGet() > MAX_GROWN) {
      GROWN.decrementAndGet();
      return -1;
    }
    int r;
    try {
      r = (int) FCNTL.invokeExact(pipe.intValue(), F_SETPIPE_SZ, WANTED);
    } catch (Throwable e) {
      r = -1;
    }
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
    if (FCNTL == null) {
      return -1;
    }
    try {
      int r = (int) FCNTL.invokeExact(pipe.intValue(), F_GETPIPE_SZ, 0);
      return r < 0 ? -1 : r;
    } catch (Throwable e) {
      return -1;
    }
  }

  /** Links {@code fcntl} through {@code java.lang.foreign} where the runtime has it (Java 22+). */
  private static MethodHandle fcntl() {
    if (Runtime.version().feature() < 22) {
      return null;
    }
    try {
      Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
      Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
      Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
      Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
      Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
      Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
      Object linker = linkerType.getMethod("nativeLinker").invoke(null);
      Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
      Optional<?> symbol = (Optional<?>) lookupType.getMethod("find", String.class)
          .invoke(lookup, "fcntl");
      if (symbol.isEmpty()) {
        return null;
      }
      Object javaInt = Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_INT").get(null);
      Object args = Array.newInstance(layoutType, 3);
      for (int i = 0; i < 3; i++) {
        Array.set(args, i, javaInt);
      }
      Object descriptor = descriptorType.getMethod("of", layoutType, args.getClass())
          .invoke(null, javaInt, args);
      // fcntl is variadic: its third argument is the first variadic one.
      Object options = Array.newInstance(optionType, 1);
      Array.set(options, 0, optionType.getMethod("firstVariadicArg", int.class).invoke(null, 2));
      return (MethodHandle) linkerType
          .getMethod("downcallHandle", segmentType, descriptorType, options.getClass())
          .invoke(linker, symbol.get(), descriptor, options);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null; // not permitted (native access denied) or not this API: keep 64 KiB pipes
    }
  }
}
