package dev.egresskit.redispolicy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on loopback that accepts every connection, reads what it is sent, and never
 * answers: a Redis that hangs.
 */
final class SilentServer implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private final AtomicInteger closedByPeer = new AtomicInteger();
  private final Thread acceptor;

  SilentServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "silent-redis");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connections accepted so far. */
  int accepted() {
    return accepted.size();
  }

  /** Connections the client has closed (their reader saw the end of the stream). */
  int closedByPeer() {
    return closedByPeer.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        accepted.add(socket);
        Thread reader = new Thread(() -> drain(socket), "silent-redis-reader");
        reader.setDaemon(true);
        reader.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void drain(Socket socket) {
    try (InputStream in = socket.getInputStream()) {
      byte[] buffer = new byte[4096];
      while (in.read(buffer) >= 0) {
        // discard: this server never answers
      }
      closedByPeer.incrementAndGet();
    } catch (IOException e) {
      // closed by close()
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : accepted) {
      socket.close();
    }
  }
}
