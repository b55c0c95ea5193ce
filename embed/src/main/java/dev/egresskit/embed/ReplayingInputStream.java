package dev.egresskit.embed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The socket's input: first the bytes that arrived together with the route's handshake, then
 * the socket's own stream.
 */
final class ReplayingInputStream extends InputStream {
  private final ByteBuffer received;
  private final InputStream rest;

  ReplayingInputStream(ByteBuffer received, InputStream rest) {
    this.received = received.duplicate();
    this.rest = rest;
  }

  @Override
  public synchronized int read() throws IOException {
    if (received.hasRemaining()) {
      return received.get() & 0xff;
    }
    return rest.read();
  }

  @Override
  public synchronized int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (received.hasRemaining()) {
      int n = Math.min(len, received.remaining());
      received.get(b, off, n);
      return n;
    }
    return rest.read(b, off, len);
  }

  @Override
  public synchronized int available() throws IOException {
    return received.remaining() + rest.available();
  }

  @Override
  public void close() throws IOException {
    rest.close();
  }
}
