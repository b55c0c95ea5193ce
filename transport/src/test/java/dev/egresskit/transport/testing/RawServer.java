package dev.egresskit.transport.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blocking loopback server that runs a script per accepted connection: write some bytes, read
 * a line, and so on. Used for peers that misbehave (silence, garbage, over-long lines).
 */
public final class RawServer implements AutoCloseable {
  /** What to do with one accepted connection. */
  @FunctionalInterface
  public interface Script {
    void run(Socket socket, InputStream in, OutputStream out) throws IOException;
  }

  private final ServerSocket server;
  private final Script script;
  private final AtomicInteger accepted = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<InetSocketAddress> peers = new CopyOnWriteArrayList<>();

  public RawServer(String bind, Script script) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getByName(bind));
    this.script = script;
    Thread t = new Thread(this::acceptLoop, "raw-server-" + server.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  /** A server that accepts and never says anything (reads until the client leaves). */
  public static RawServer silent() throws IOException {
    return new RawServer("127.0.0.1", (s, in, out) -> in.transferTo(OutputStream.nullOutputStream()));
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  public int accepted() {
    return accepted.get();
  }

  public List<InetSocketAddress> peers() {
    return List.copyOf(peers);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        // The peer first: a test that sees the count may read the peer at once.
        peers.add((InetSocketAddress) s.getRemoteSocketAddress());
        accepted.incrementAndGet();
        sockets.add(s);
        Thread t = new Thread(() -> {
          try (s) {
            script.run(s, s.getInputStream(), s.getOutputStream());
          } catch (IOException ignored) {
            // the client went away; nothing to report
          }
        }, "raw-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Reads one line (up to LF), without CRLF; null at end of stream. */
  public static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b; (b = in.read()) != -1; ) {
      if (b == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
      }
      line.append((char) b);
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
