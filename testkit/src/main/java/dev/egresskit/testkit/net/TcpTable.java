package dev.egresskit.testkit.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's table of the TCP sockets in this network namespace, IPv4 and IPv6
 * ({@code /proc/net/tcp} and {@code tcp6}): what a test asserts about sockets as the kernel
 * sees them, not as the code under test reports them. Linux only.
 */
public final class TcpTable {

  private static final List<Path> TABLES =
      List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

  private TcpTable() {}

  /**
   * One socket of the table.
   *
   * @param localPort its local port
   * @param remotePort its remote port (0 for a listener)
   * @param state the kernel's state code in hex, {@code 01} established, {@code 0A} listening
   * @param inode its inode, by which {@code /proc/PID/fd} links name it
   */
  public record Entry(int localPort, int remotePort, String state, long inode) {

    /** Whether the socket is established. */
    public boolean established() {
      return state.equals("01");
    }

    /** Whether the socket is listening. */
    public boolean listening() {
      return state.equals("0A");
    }
  }

  /**
   * Every TCP socket in this network namespace, as the kernel lists them now.
   *
   * @return the sockets, IPv4 first
   * @throws IOException if a table cannot be read
   */
  public static List<Entry> sockets() throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (Path table : TABLES) {
      List<String> lines = Files.readAllLines(table);
      for (String line : lines.subList(1, lines.size())) { // after the header
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
        String[] f = line.trim().split("\\s+");
        entries.add(new Entry(port(f[1]), port(f[2]), f[3], Long.parseLong(f[9])));
      }
    }
    return entries;
  }

  /** The port of an {@code ADDRESS:PORT} field, both in hex. */
  private static int port(String field) {
    return Integer.parseInt(field.substring(field.lastIndexOf(':') + 1), 16);
  }
}
