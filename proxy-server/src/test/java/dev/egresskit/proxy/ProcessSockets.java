package dev.egresskit.proxy;

import dev.egresskit.testkit.net.TcpTable;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Reads the options of a TCP socket of this process (the in-process proxy's) back from the
 * kernel with {@code getsockopt}: the socket is found by its ports in the kernel's TCP table
 * ({@link TcpTable}), then by its inode among {@code /proc/self/fd}. Linux only; option numbers
 * are Linux's generic ones (x86-64, arm64).
 */
final class ProcessSockets {

  static final int SOL_SOCKET = 1;
  static final int SO_KEEPALIVE = 9;
  static final int IPPROTO_TCP = 6;
  static final int TCP_NODELAY = 1;
  static final int TCP_KEEPIDLE = 4;
  static final int TCP_KEEPINTVL = 5;
  static final int TCP_KEEPCNT = 6;

  private ProcessSockets() {}

  /** The options of one socket, as the kernel reports them. */
  record Options(int keepAlive, int noDelay, int keepIdle, int keepInterval, int keepCount) {}

  /**
   * The options of this process's established socket from {@code localPort} to
   * {@code remotePort} (loopback, either family).
   *
   * @throws AssertionError when no such socket is open in this process
   */
  static Options options(int localPort, int remotePort) throws IOException {
    int fd = fd(inode(localPort, remotePort));
    // Wraps the descriptor without owning it: never closed here.
    Socket socket = new Socket(fd);
    return new Options(socket.getIntOpt(SOL_SOCKET, SO_KEEPALIVE),
        socket.getIntOpt(IPPROTO_TCP, TCP_NODELAY), socket.getIntOpt(IPPROTO_TCP, TCP_KEEPIDLE),
        socket.getIntOpt(IPPROTO_TCP, TCP_KEEPINTVL), socket.getIntOpt(IPPROTO_TCP, TCP_KEEPCNT));
  }

  private static long inode(int localPort, int remotePort) throws IOException {
    return TcpTable.sockets().stream()
        .filter(s -> s.established() && s.localPort() == localPort && s.remotePort() == remotePort)
        .mapToLong(TcpTable.Entry::inode).findFirst()
        .orElseThrow(() -> new AssertionError(
            "no established socket " + localPort + " -> " + remotePort));
  }

  private static int fd(long inode) throws IOException {
    String target = "socket:[" + inode + "]";
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          if (Files.readSymbolicLink(fd).toString().equals(target)) {
            return Integer.parseInt(fd.getFileName().toString());
          }
        } catch (NoSuchFileException e) {
          // closed while listing
        }
      }
    }
    throw new AssertionError("socket inode " + inode + " is not open in this process");
  }
}
