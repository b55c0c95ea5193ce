package dev.egresskit.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback destination for bulk transfers: on its one connection it writes a payload then
 * sends FIN (or closes at once), while recording everything the client sends until its FIN.
 * Blocking sockets with a read timeout and bounded waits, so nothing waits forever; when it gives
 * up, it says so ({@link #describe()}).
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

  /** How long the destination waits without any progress before it gives up. */
  static final Duration STALL = Duration.ofSeconds(30);

  /** The most a transfer may take in all, so a trickling relay still ends. */
  static final Duration TOTAL = Duration.ofMinutes(5);

  private static final int CHUNK = 64 * 1024;

  private final ServerSocket server;
  private final CompletableFuture<byte[]> received = new CompletableFuture<>();
  private final Thread thread;
  private final long startNanos = System.nanoTime();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong read = new AtomicLong();
  private volatile long lastWriteNanos = startNanos;
  private volatile long endNanos;
  private volatile Exception failure;

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
      s.setSoTimeout((int) STALL.toMillis());
      if (closeAfterWrite) {
        write(s.getOutputStream(), payload);
        received.complete(new byte[0]);
        return;
      }
      CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
        try {
          write(s.getOutputStream(), payload);
          s.shutdownOutput();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, OWN_THREAD);
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] chunk = new byte[CHUNK];
      for (int n; (n = in.read(chunk)) >= 0; ) {
        all.write(chunk, 0, n);
        read.addAndGet(n);
      }
      awaitWritten(writing, payload.length);
      received.complete(all.toByteArray());
    } catch (Exception e) {
      failure = e;
      received.completeExceptionally(e);
    } finally {
      endNanos = System.nanoTime();
    }
  }

  /** Writes in chunks, so a waiter can tell a slow reader (progress) from a stalled one. */
  private void write(OutputStream out, byte[] payload) throws IOException {
    for (int off = 0; off < payload.length; off += CHUNK) {
      int n = Math.min(CHUNK, payload.length - off);
      out.write(payload, off, n);
      written.addAndGet(n);
      lastWriteNanos = System.nanoTime();
    }
    out.flush();
  }

  /**
   * Waits for the payload to be written while the client keeps taking it: gives up after
   * {@link #STALL} without progress (the relay stalled) or after {@link #TOTAL} in all. The
   * client reads the payload only after sending all of its own bytes, and a loaded machine may
   * move it slowly; a bound on the whole write would close early here and look like a loss.
   */
  private void awaitWritten(CompletableFuture<Void> writing, int size) throws Exception {
    long deadline = startNanos + TOTAL.toNanos();
    while (true) {
      long now = System.nanoTime();
      long wait = Math.min(lastWriteNanos + STALL.toNanos() - now, deadline - now);
      try {
        writing.get(Math.max(wait, 1), TimeUnit.NANOSECONDS);
        return;
      } catch (TimeoutException e) {
        now = System.nanoTime();
        if (now - deadline >= 0 || now - lastWriteNanos >= STALL.toNanos()) {
          throw new TimeoutException("destination wrote " + written.get() + " of " + size
              + " bytes, the last " + (now - lastWriteNanos) / 1_000_000 + " ms ago");
        }
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
  }

  /**
   * What the destination did: bytes written and read, time taken and how it failed, if it did.
   * Tests put this in their failure messages, so a peer that gave up is not reported as a relay
   * that lost bytes.
   */
  String describe() {
    long end = endNanos == 0 ? System.nanoTime() : endNanos;
    return "destination wrote " + written.get() + " bytes, read " + read.get() + " bytes in "
        + (end - startNanos) / 1_000_000 + " ms" + (endNanos == 0 ? " (still running)" : "")
        + (failure == null ? "" : ", failed: " + failure);
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
    thread.join(STALL.toMillis());
  }
}
