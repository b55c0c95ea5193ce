package dev.egresskit.embed;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;

/**
 * A {@link Socket} whose options and half-closes go to another, connected socket: the plain
 * forwarding half of {@link EgressSocket}, which owns how that socket is made.
 */
abstract class ForwardingSocket extends Socket {

  ForwardingSocket() throws SocketException {
    // No SocketImpl of its own: every operation goes to the socket open() returns.
    super((SocketImpl) null);
  }

  /**
   * The connected socket to forward to.
   *
   * @throws SocketException if there is none yet, or this socket is closed
   */
  abstract Socket open() throws SocketException;

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    open().setTcpNoDelay(on);
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    return open().getTcpNoDelay();
  }

  @Override
  public void setSoLinger(boolean on, int linger) throws SocketException {
    open().setSoLinger(on, linger);
  }

  @Override
  public int getSoLinger() throws SocketException {
    return open().getSoLinger();
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    open().setKeepAlive(on);
  }

  @Override
  public boolean getKeepAlive() throws SocketException {
    return open().getKeepAlive();
  }

  @Override
  public void setSendBufferSize(int size) throws SocketException {
    open().setSendBufferSize(size);
  }

  @Override
  public int getSendBufferSize() throws SocketException {
    return open().getSendBufferSize();
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    open().setReceiveBufferSize(size);
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return open().getReceiveBufferSize();
  }

  @Override
  public void setTrafficClass(int tc) throws SocketException {
    open().setTrafficClass(tc);
  }

  @Override
  public int getTrafficClass() throws SocketException {
    return open().getTrafficClass();
  }

  @Override
  public void setReuseAddress(boolean on) throws SocketException {
    open().setReuseAddress(on);
  }

  @Override
  public boolean getReuseAddress() throws SocketException {
    return open().getReuseAddress();
  }

  @Override
  public void setOOBInline(boolean on) throws SocketException {
    open().setOOBInline(on);
  }

  @Override
  public boolean getOOBInline() throws SocketException {
    return open().getOOBInline();
  }

  @Override
  public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
    // Advisory only, and ignored by the JDK's own sockets too.
  }

  @Override
  public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
    open().setOption(name, value);
    return this;
  }

  @Override
  public <T> T getOption(SocketOption<T> name) throws IOException {
    return open().getOption(name);
  }

  @Override
  public void sendUrgentData(int data) throws IOException {
    throw new SocketException("urgent data is not supported");
  }

  @Override
  public void shutdownInput() throws IOException {
    open().shutdownInput();
  }

  @Override
  public void shutdownOutput() throws IOException {
    open().shutdownOutput();
  }
}
