package dev.egresskit.proxy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A SOCKS5 client made of raw bytes, so tests see exactly what the server sends. Every read is
 * bounded by a socket timeout.
 */
final class RawSocksClient implements AutoCloseable {

  static final int READ_TIMEOUT_MILLIS = 5_000;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawSocksClient(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    socket.setTcpNoDelay(true);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static RawSocksClient connect(InetSocketAddress proxy) throws IOException {
    Socket socket = new Socket();
    socket.connect(proxy, READ_TIMEOUT_MILLIS);
    return new RawSocksClient(socket);
  }

  /** Sends {@code 05 N methods...} and returns the two-byte method reply. */
  byte[] greet(int... methods) throws IOException {
    byte[] greeting = new byte[2 + methods.length];
    greeting[0] = 5;
    greeting[1] = (byte) methods.length;
    for (int i = 0; i < methods.length; i++) {
      greeting[2 + i] = (byte) methods[i];
    }
    send(greeting);
    return read(2);
  }

  /** Sends the RFC 1929 request and returns the two-byte reply. */
  byte[] auth(String user, String password) throws IOException {
    send(authBytes(user, password));
    return read(2);
  }

  static byte[] authBytes(String user, String password) {
    return authBytes(user.getBytes(StandardCharsets.US_ASCII),
        password.getBytes(StandardCharsets.US_ASCII));
  }

  /** {@code 01 ULEN UNAME PLEN PASSWD} from the raw bytes (any encoding, lengths unchecked). */
  static byte[] authBytes(byte[] u, byte[] p) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(1);
    b.write(u.length);
    b.writeBytes(u);
    b.write(p.length);
    b.writeBytes(p);
    return b.toByteArray();
  }

  /** {@code 05 CMD 00 ATYP ADDR PORT} for an IP address. */
  static byte[] request(int command, InetAddress address, int port) {
    byte[] ip = address.getAddress();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(5);
    b.write(command);
    b.write(0);
    b.write(address instanceof Inet4Address ? 1 : 4);
    b.writeBytes(ip);
    b.write(port >> 8);
    b.write(port & 0xff);
    return b.toByteArray();
  }

  /** {@code 05 CMD 00 03 LEN NAME PORT} for a domain name (US-ASCII, length unchecked). */
  static byte[] domainRequest(int command, String host, int port) {
    byte[] name = host.getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(5);
    b.write(command);
    b.write(0);
    b.write(3);
    b.write(name.length);
    b.writeBytes(name);
    b.write(port >> 8);
    b.write(port & 0xff);
    return b.toByteArray();
  }

  /** Sends a request and reads the reply (10 bytes for IPv4, 22 for IPv6). */
  byte[] command(int command, InetAddress address, int port) throws IOException {
    send(request(command, address, port));
    return readReply();
  }

  byte[] bind(String ip, int port) throws IOException {
    return command(2, InetAddress.getByName(ip), port);
  }

  byte[] connectTo(InetSocketAddress destination) throws IOException {
    return command(1, destination.getAddress(), destination.getPort());
  }

  /** Reads one command reply of whichever address type it has. */
  byte[] readReply() throws IOException {
    byte[] head = read(4);
    int rest = switch (head[3]) {
      case 1 -> 4 + 2;
      case 4 -> 16 + 2;
      default -> throw new IOException("unexpected reply address type " + head[3]);
    };
    byte[] tail = read(rest);
    byte[] all = new byte[4 + rest];
    System.arraycopy(head, 0, all, 0, 4);
    System.arraycopy(tail, 0, all, 4, rest);
    return all;
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** What one read returns: the bytes that had arrived when the first of them did. */
  byte[] readOnce() throws IOException {
    byte[] buf = new byte[4096];
    int r = in.read(buf);
    if (r < 0) {
      throw new EOFException("EOF before any byte");
    }
    return java.util.Arrays.copyOf(buf, r);
  }

  byte[] read(int n) throws IOException {
    byte[] buf = new byte[n];
    int off = 0;
    while (off < n) {
      int r = in.read(buf, off, n - off);
      if (r < 0) {
        throw new EOFException("EOF after " + off + " of " + n + " bytes");
      }
      off += r;
    }
    return buf;
  }

  /** Reads one line up to and including LF, as US-ASCII without the line end. */
  String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("EOF in the middle of a line: " + line);
      }
      if (b == '\n') {
        return line.toString(StandardCharsets.US_ASCII).replaceAll("\r$", "");
      }
      line.write(b);
    }
  }

  /** Whether the server closed the connection (EOF or reset) within the read timeout. */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // connection reset
    }
  }

  /** Reads everything until EOF (bounded by the read timeout per read). */
  byte[] readToEnd() throws IOException {
    return in.readAllBytes();
  }

  void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  Socket socket() {
    return socket;
  }

  static InetSocketAddress addressOf(byte[] reply) throws IOException {
    int len = reply[3] == 1 ? 4 : 16;
    byte[] ip = new byte[len];
    System.arraycopy(reply, 4, ip, 0, len);
    int port = ((reply[4 + len] & 0xff) << 8) | (reply[5 + len] & 0xff);
    return new InetSocketAddress(InetAddress.getByAddress(ip), port);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
