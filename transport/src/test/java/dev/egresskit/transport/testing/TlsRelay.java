package dev.egresskit.transport.testing;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A TLS-terminating relay (what stunnel does) in front of a plain TCP server: accepts TLS on
 * loopback with a self-signed certificate for {@code localhost}, and copies the decrypted bytes
 * to the target and back. Lets a test put TLS in front of a server that does not speak it. The
 * JDK's TLS stack is used, so the client is tested against a second implementation.
 */
public final class TlsRelay implements AutoCloseable {
  private final SelfSignedCertificate certificate;
  private final SSLServerSocket server;
  private final InetSocketAddress target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  public TlsRelay(InetSocketAddress target) throws Exception {
    this.target = target;
    certificate = new SelfSignedCertificate("localhost");
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("relay", certificate.key(), new char[0],
        new Certificate[] {certificate.cert()});
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, new char[0]);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), null, null);
    server = (SSLServerSocket) tls.getServerSocketFactory()
        .createServerSocket(0, 16, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::accept, "tls-relay-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The PEM file of the relay's certificate (to trust it). */
  public java.io.File certificatePem() {
    return certificate.certificate();
  }

  public int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(target.getAddress(), target.getPort());
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread copier = new Thread(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException e) {
        // one side closed: close both below
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "tls-relay-copy");
    copier.setDaemon(true);
    copier.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    open.forEach(TlsRelay::closeQuietly);
    certificate.delete();
  }
}
