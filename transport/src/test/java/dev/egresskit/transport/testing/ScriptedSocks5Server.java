package dev.egresskit.transport.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small SOCKS5 server for tests that speaks KumoProxy's dialect (BIND the requested source,
 * then CONNECT from it, on one connection) and plain CONNECT, with RFC 1929, and relays bytes
 * once connected. Each {@link Mode} makes it fail at one step. It logs what it received.
 */
public final class ScriptedSocks5Server implements AutoCloseable {
  /** Where to fail. */
  public enum Mode { ACCEPT, REFUSE_AUTH, REFUSE_BIND, REFUSE_CONNECT, NEVER_ANSWER }

  private final ServerSocket server;
  private final Mode mode;
  private final String username;
  private final String password;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();

  /** Without credentials, on 127.0.0.1. */
  public ScriptedSocks5Server(Mode mode) throws IOException {
    this(mode, "127.0.0.1", null, null);
  }

  /**
   * @param username required username, or null to accept no-auth
   * @param password required password
   */
  public ScriptedSocks5Server(Mode mode, String bind, String username, String password)
      throws IOException {
    this.mode = mode;
    this.username = username;
    this.password = password;
    this.server = new ServerSocket(0, 50, InetAddress.getByName(bind));
    Thread t = new Thread(this::acceptLoop, "socks5-test-" + server.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  /** Events in order, e.g. {@code "greeting 050100"}, {@code "BIND 127.0.0.7:0"}. */
  public List<String> log() {
    return List.copyOf(log);
  }

  public int accepted() {
    return accepted.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        accepted.incrementAndGet();
        sockets.add(s);
        daemon(() -> serve(s), "socks5-conn");
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    Socket outbound = null;
    try (client) {
      DataInputStream in = new DataInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      if (mode == Mode.NEVER_ANSWER) {
        in.transferTo(OutputStream.nullOutputStream());
        return;
      }
      int version = in.readUnsignedByte();
      byte[] methods = new byte[in.readUnsignedByte()];
      in.readFully(methods);
      log.add("greeting " + HexFormat.of().formatHex(new byte[] {(byte) version,
          (byte) methods.length}) + HexFormat.of().formatHex(methods));
      if (username != null) {
        if (!contains(methods, 0x02)) {
          out.write(new byte[] {5, (byte) 0xff});
          return;
        }
        out.write(new byte[] {5, 2});
        in.readUnsignedByte();
        String user = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
        String pass = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
        log.add("auth " + user + "/" + pass);
        boolean ok = mode != Mode.REFUSE_AUTH && username.equals(user) && password.equals(pass);
        out.write(new byte[] {1, (byte) (ok ? 0 : 1)});
        if (!ok) {
          return;
        }
      } else {
        out.write(new byte[] {5, 0});
      }
      while (true) {
        in.readUnsignedByte();
        int command = in.readUnsignedByte();
        in.readUnsignedByte();
        int atyp = in.readUnsignedByte();
        byte[] addr = in.readNBytes(atyp == 4 ? 16 : 4);
        int port = in.readUnsignedShort();
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByAddress(addr), port);
        if (command == 2) {
          log.add("BIND " + target.getAddress().getHostAddress() + ":" + port);
          if (mode == Mode.REFUSE_BIND || outbound != null) {
            out.write(new byte[] {5, 1, 0, 1, 0, 0, 0, 0, 0, 0});
            return;
          }
          outbound = new Socket();
          sockets.add(outbound);
          try {
            outbound.bind(target);
          } catch (IOException e) {
            out.write(new byte[] {5, 1, 0, 1, 0, 0, 0, 0, 0, 0});
            return;
          }
          out.write(reply(0, (InetSocketAddress) outbound.getLocalSocketAddress()));
        } else if (command == 1) {
          log.add("CONNECT " + target.getAddress().getHostAddress() + ":" + port);
          if (mode == Mode.REFUSE_CONNECT) {
            out.write(new byte[] {5, 5, 0, 1, 0, 0, 0, 0, 0, 0});
            return;
          }
          if (outbound == null) {
            outbound = new Socket();
            sockets.add(outbound);
          }
          try {
            outbound.connect(target, 2000);
          } catch (IOException e) {
            out.write(new byte[] {5, 5, 0, 1, 0, 0, 0, 0, 0, 0});
            return;
          }
          out.write(reply(0, (InetSocketAddress) outbound.getLocalSocketAddress()));
          relay(client, outbound);
          return;
        } else {
          out.write(new byte[] {5, 7, 0, 1, 0, 0, 0, 0, 0, 0});
          return;
        }
      }
    } catch (IOException e) {
      // client or destination went away
    } finally {
      closeQuietly(outbound);
    }
  }

  private static void relay(Socket client, Socket outbound) throws IOException {
    Thread up = daemon(() -> copy(client, outbound), "socks5-up");
    copy(outbound, client);
    try {
      up.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void copy(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      in.transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static byte[] reply(int status, InetSocketAddress bound) {
    byte[] addr = bound.getAddress().getAddress();
    byte[] out = new byte[6 + addr.length];
    out[0] = 5;
    out[1] = (byte) status;
    out[3] = (byte) (addr.length == 4 ? 1 : 4);
    System.arraycopy(addr, 0, out, 4, addr.length);
    out[4 + addr.length] = (byte) (bound.getPort() >> 8);
    out[5 + addr.length] = (byte) bound.getPort();
    return out;
  }

  private static boolean contains(byte[] methods, int method) {
    for (byte m : methods) {
      if ((m & 0xff) == method) {
        return true;
      }
    }
    return false;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }
}
