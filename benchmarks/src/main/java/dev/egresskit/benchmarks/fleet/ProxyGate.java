package dev.egresskit.benchmarks.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The address the nodes know the proxy by, in the two "proxy hangs" scenarios: a loopback
 * listener that relays every connection to the real SOCKS5 proxy until told to hang, in one of
 * two ways (as a real proxy host does):
 *
 * <ul>
 *   <li>{@link #stopAnswering()}: the host no longer answers (dropped off the network, or its
 *       accept queue is full): it stops accepting and fills its accept queue, so the kernel
 *       drops every new SYN and a node's TCP connect ends at its connect timeout;</li>
 *   <li>{@link #stall()}: the process is stopped (SIGSTOP) with room in its accept queue, or
 *       accepts and never answers: connections are made, nothing is ever sent back, and a
 *       node's attempt ends at its timeout during the SOCKS5 handshake.</li>
 * </ul>
 *
 * <p>Either way the connections being relayed go silent (held open, nothing forwarded).
 */
final class ProxyGate implements AutoCloseable {
  private static final int BACKLOG = 16;

  private final InetSocketAddress proxy;
  private final ServerSocketChannel listener;
  private final Selector selector;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "proxy-gate");
    t.setDaemon(true);
    return t;
  });
  private final Set<AutoCloseable> held = ConcurrentHashMap.newKeySet();
  private volatile boolean silent;
  private volatile boolean accepting = true;
  private volatile boolean closed;

  ProxyGate(InetSocketAddress proxy) {
    this.proxy = proxy;
    try {
      listener = ServerSocketChannel.open();
      // Room for every node's connect while healthy; small enough to fill when it hangs.
      listener.bind(new InetSocketAddress("127.0.0.1", 0), BACKLOG);
      listener.configureBlocking(false);
      selector = Selector.open();
      listener.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    threads.execute(this::acceptLoop);
  }

  InetSocketAddress address() {
    try {
      return (InetSocketAddress) listener.getLocalAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The host stops answering: new connects time out, relayed connections go silent. */
  void stopAnswering() throws IOException {
    silent = true;
    accepting = false;
    selector.wakeup();
    // The queue holds BACKLOG + 1 connections: fillers take the room left, and the kernel drops
    // new SYNs (nodes whose SYN got in first end at the handshake timeout, not counted).
    for (int i = 0; i < BACKLOG + 4; i++) {
      SocketChannel filler = SocketChannel.open();
      filler.configureBlocking(false);
      filler.connect(listener.getLocalAddress());
      held.add(filler);
    }
  }

  /** The process stalls: connections are still made, and never answered. */
  void stall() {
    silent = true;
  }

  private void acceptLoop() {
    try {
      while (!closed && accepting) {
        selector.select();
        if (!accepting || closed) {
          return;
        }
        selector.selectedKeys().clear();
        SocketChannel client;
        while (accepting && (client = listener.accept()) != null) {
          client.configureBlocking(true);
          Socket socket = client.socket();
          held.add(socket);
          threads.execute(() -> serve(socket));
        }
      }
    } catch (IOException e) {
      if (!closed) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private void serve(Socket client) {
    if (silent) {
      drain(client);
      return;
    }
    try (Socket upstream = new Socket()) {
      held.add(upstream);
      upstream.connect(proxy, 2000);
      threads.execute(() -> copy(upstream, client));
      copy(client, upstream);
    } catch (IOException e) {
      close(client);
    }
  }

  /** Copies until end of stream, dropping everything once silent; then closes both. */
  private void copy(Socket from, Socket to) {
    byte[] buffer = new byte[4096];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (!silent) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // the other side closed: close both below
    }
    if (!silent) {
      close(from);
      close(to);
    }
  }

  /** Reads and drops until the client gives up (it never hears a byte). */
  private void drain(Socket client) {
    byte[] buffer = new byte[256];
    try {
      while (client.getInputStream().read(buffer) >= 0) {
        // a stalled proxy answers nothing
      }
    } catch (IOException e) {
      // the client gave up
    }
    close(client);
  }

  private void close(AutoCloseable c) {
    held.remove(c);
    try {
      c.close();
    } catch (Exception e) {
      // closing at the end of a round
    }
  }

  @Override
  public void close() {
    closed = true;
    selector.wakeup();
    close(listener);
    close(selector);
    held.forEach(this::close);
    threads.shutdownNow();
  }
}
