package dev.egresskit.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A loopback destination for bulk transfers: on its one connection it writes a payload then
 * sends FIN (or closes at once), while recording everything the client sends until its FIN.
 * Blocking sockets with a read timeout, so nothing waits forever.
 */
final class BulkPeer implements AutoCloseable {

  /**
   * Runs each task on a thread of its own. Blocking socket I/O must not share the common
   * fork-join pool: on a 2-core machine it has one thread, and a writer blocked on a full socket
   * there starves the task that would drain it.
   */
  static final java.util.concurrent.Executor OWN_THREAD = task -> {
    Thread t = new Thread(task, "test-io");
    t.setDaemon(true);
    t.start();
  };

  private final ServerSocket server;
  private final CompletableFuture<byte[]> received = new CompletableFuture<>();
  private final Thread thread;

  /**
   * @param payload what to send to the client
   * @param closeAfterWrite close the socket right after writing (without reading) instead of
   *     half-closing and reading the client's bytes to their end
   */
  BulkPeer(byte[] payload, boolean closeAfterWrite) throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    thread = new Thread(() -> serve(payload, closeAfterWrite), "bulk-peer");
    thread.setDaemon(true);
    thread.start();
  }

  private void serve(byte[] payload, boolean closeAfterWrite) {
    try (Socket s = server.accept()) {
      s.setSoTimeout(30_000);
      if (closeAfterWrite) {
        s.getOutputStream().write(payload);
        received.complete(new byte[0]);
        return;
      }
      CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
        try {
          OutputStream out = s.getOutputStream();
          out.write(payload);
          out.flush();
          s.shutdownOutput();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      }, OWN_THREAD);
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      writing.get(30, TimeUnit.SECONDS);
      received.complete(all.toByteArray());
    } catch (Exception e) {
      received.completeExceptionally(e);
    }
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  /** Everything the client sent before its FIN, once the destination has seen it. */
  byte[] received(Duration bound) throws InterruptedException, ExecutionException, TimeoutException {
    return received.get(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    server.close();
    thread.join(30_000);
  }
}
