package dev.egresskit.embed;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.transport.spi.SourceAddressInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * A blocking {@link Socket} whose connection was made through an egress source's route: bound to
 * the source address, through HAProxy (PROXY v2 header sent) or SOCKS5 (BIND and CONNECT done),
 * so the first bytes read are the destination's (an SMTP banner). Everything a client library
 * does with a socket works: timeouts, half-close, and layering TLS on top ({@code STARTTLS}).
 *
 * <p>Made connected by {@link EgressKit#openSocket}, or unconnected by {@link
 * EgressKit#newSocket} (for socket factories): then {@link #connect(SocketAddress, int)} picks
 * the source and performs the route. Options other than the read timeout can only be set once
 * connected. {@link #getInetAddress()} and {@link #getPort()} name the destination (the SMTP
 * server), even when the TCP peer is a proxy; {@link #getChannel()} is {@code null}.
 */
public final class EgressSocket extends ForwardingSocket {

  /** How an unconnected socket gets connected. */
  interface Opener {
    Opened open(InetSocketAddress destination, Duration timeout) throws IOException;
  }

  /** A connection made through a route and taken out of Netty. */
  record Opened(EgressSource source, SourceAddressInfo reported, InetSocketAddress destination,
      SocketChannel channel, java.nio.ByteBuffer received) {}

  private final Opener opener;
  private final Duration defaultTimeout;
  private final Object lock = new Object();
  private volatile Opened opened;
  private volatile Socket socket;
  private InputStream input;
  private int pendingSoTimeout;
  private volatile boolean closed;

  private EgressSocket(Opener opener, Duration defaultTimeout) throws SocketException {
    this.opener = opener;
    this.defaultTimeout = defaultTimeout;
  }

  static EgressSocket unconnected(Opener opener, Duration defaultTimeout) {
    try {
      return new EgressSocket(Objects.requireNonNull(opener), defaultTimeout);
    } catch (SocketException e) {
      throw new IllegalStateException(e);
    }
  }

  static EgressSocket connected(Opened opened) {
    EgressSocket s = unconnected((d, t) -> {
      throw new SocketException("already connected");
    }, Duration.ZERO);
    s.adopt(opened);
    return s;
  }

  private void adopt(Opened o) {
    synchronized (lock) {
      opened = o;
      socket = o.channel().socket();
      InputStream raw;
      try {
        raw = socket.getInputStream();
      } catch (IOException e) {
        throw new IllegalStateException("a connected channel has no input stream", e);
      }
      input = new ReplayingInputStream(o.received(), raw);
    }
  }

  /** The source the connection was made from; throws if not connected yet. */
  public EgressSource source() {
    return connection().source();
  }

  /** The source address the destination sees, the protocol and the proxy used. */
  public SourceAddressInfo reportedSource() {
    return connection().reported();
  }

  private Opened connection() {
    Opened o = opened;
    if (o == null) {
      throw new IllegalStateException("the socket is not connected");
    }
    return o;
  }

  @Override
  Socket open() throws SocketException {
    if (closed) {
      throw new SocketException("Socket is closed");
    }
    Socket s = socket;
    if (s == null) {
      throw new SocketException("Socket is not connected");
    }
    return s;
  }

  @Override
  public void connect(SocketAddress endpoint) throws IOException {
    connect(endpoint, 0);
  }

  /**
   * Picks the source and connects through its route to {@code endpoint} (a resolved address;
   * the source's {@code remote_port} replaces the port when set).
   *
   * @param timeout the deadline in milliseconds for connect and handshake; 0 means the kit's
   *                connect timeout
   * @throws dev.egresskit.transport.EgressConnectException with the failure's kind
   */
  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    if (!(endpoint instanceof InetSocketAddress destination)) {
      throw new IllegalArgumentException("unsupported address type: " + endpoint);
    }
    if (timeout < 0) {
      throw new IllegalArgumentException("timeout can't be negative: " + timeout);
    }
    if (closed) {
      throw new SocketException("Socket is closed");
    }
    if (socket != null) {
      throw new SocketException("already connected");
    }
    if (destination.isUnresolved()) {
      throw new java.net.UnknownHostException(destination.getHostName());
    }
    Opened o = opener.open(destination,
        timeout == 0 ? defaultTimeout : Duration.ofMillis(timeout));
    int soTimeout;
    synchronized (lock) {
      soTimeout = pendingSoTimeout;
    }
    adopt(o);
    if (closed) {
      o.channel().close();
      throw new SocketException("Socket closed while connecting");
    }
    socket.setSoTimeout(soTimeout);
  }

  @Override
  public void bind(SocketAddress bindpoint) throws IOException {
    throw new SocketException("an EgressSocket binds the egress source's address itself;"
        + " do not bind it (remove mail.smtp.localaddress or the like)");
  }

  @Override
  public InetAddress getInetAddress() {
    Opened o = opened;
    return o == null ? null : o.destination().getAddress();
  }

  @Override
  public int getPort() {
    Opened o = opened;
    return o == null ? 0 : o.destination().getPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    Opened o = opened;
    return o == null ? null : o.destination();
  }

  @Override
  public InetAddress getLocalAddress() {
    Socket s = socket;
    return s == null ? null : s.getLocalAddress();
  }

  @Override
  public int getLocalPort() {
    Socket s = socket;
    return s == null ? -1 : s.getLocalPort();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    Socket s = socket;
    return s == null ? null : s.getLocalSocketAddress();
  }

  @Override
  public SocketChannel getChannel() {
    return null;
  }

  @Override
  public InputStream getInputStream() throws IOException {
    open();
    synchronized (lock) {
      return input;
    }
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    return open().getOutputStream();
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    if (timeout < 0) {
      throw new IllegalArgumentException("timeout can't be negative");
    }
    synchronized (lock) {
      if (socket == null) {
        pendingSoTimeout = timeout;
        return;
      }
    }
    open().setSoTimeout(timeout);
  }

  @Override
  public int getSoTimeout() throws SocketException {
    synchronized (lock) {
      if (socket == null) {
        return pendingSoTimeout;
      }
    }
    return open().getSoTimeout();
  }

  @Override
  public Set<SocketOption<?>> supportedOptions() {
    Socket s = socket;
    return s == null ? Set.of() : s.supportedOptions();
  }

  @Override
  public boolean isConnected() {
    return socket != null;
  }

  @Override
  public boolean isBound() {
    return socket != null;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public boolean isInputShutdown() {
    Socket s = socket;
    return s != null && s.isInputShutdown();
  }

  @Override
  public boolean isOutputShutdown() {
    Socket s = socket;
    return s != null && s.isOutputShutdown();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    Opened o = opened;
    if (o != null) {
      o.channel().close();
    }
  }

  @Override
  public String toString() {
    Opened o = opened;
    return o == null ? "EgressSocket[unconnected]"
        : "EgressSocket[source=" + o.source().name() + ", " + o.reported() + " => "
            + o.destination() + (closed ? ", closed" : "") + "]";
  }
}
