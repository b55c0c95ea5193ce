package dev.egresskit.transport.strategy;

import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Socks5Tls;
import dev.egresskit.transport.spi.HandshakeContext;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS to a SOCKS5 proxy ({@code socks5_proxy_tls}): an {@link SslHandler} in client mode goes
 * first in the pipeline, so every SOCKS5 byte and then the SMTP session travel inside it. The
 * SOCKS5 exchange starts only when the TLS handshake has completed. The proxy's certificate is
 * checked against the JDK's trust store, or the PEM certificates of {@code socks5_proxy_tls_ca},
 * and must name the host of {@code socks5_proxy_server} (HTTPS endpoint identification; SNI carries
 * a host name). The connector's deadline covers the TLS handshake too; SslHandler's own timeout
 * is switched off so there is one deadline and its text names this phase.
 */
final class Socks5TlsStep {
  static final String NAME = "socks5-tls";
  static final String PHASE = "waiting for the TLS handshake with the SOCKS5 proxy";

  private Socks5TlsStep() {}

  /** Built once: reading the JDK's trust store is the costly part. */
  private static final class JdkTrust {
    static final SslContext CONTEXT = build(null);
  }

  /**
   * Adds TLS before the hand-off and calls {@code then} on the event loop once the handshake has
   * completed; fails the attempt (naming TLS) when it cannot.
   */
  static void install(Channel channel, HandshakeContext context, ProxyServer server,
      Socks5Tls tls, Runnable then) {
    InetSocketAddress transport = context.transport();
    String shown = host(server) + " (" + transport.getAddress().getHostAddress() + ":"
        + transport.getPort() + ")";
    SslContext sslContext;
    try {
      sslContext = context(tls);
    } catch (IOException e) {
      context.fail(FailureKind.SECRET_UNAVAILABLE, "SOCKS5 proxy " + shown + ": TLS cannot be"
          + " set up: socks5_proxy_tls_ca: " + e.getMessage(), e);
      return;
    } catch (RuntimeException e) {
      context.fail(FailureKind.SECRET_UNAVAILABLE, "SOCKS5 proxy " + shown + ": TLS cannot be"
          + " set up: " + e.getMessage(), e);
      return;
    }
    SslHandler ssl = sslContext.newHandler(channel.alloc(), host(server), transport.getPort());
    SSLParameters parameters = ssl.engine().getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    ssl.engine().setSSLParameters(parameters);
    ssl.setHandshakeTimeoutMillis(0);
    context.enterPhase(PHASE);
    channel.pipeline().addBefore(HandshakeContext.HANDOFF, NAME, ssl);
    ssl.handshakeFuture().addListener((Future<Channel> done) -> {
      if (done.isSuccess()) {
        then.run();
      } else {
        context.fail(FailureKind.PROXY_UNREACHABLE, "SOCKS5 proxy " + shown
            + ": TLS handshake failed: " + why(done.cause()), done.cause());
      }
    });
  }

  private static SslContext context(Socks5Tls tls) throws IOException {
    Optional<Path> ca = tls.caFile();
    if (ca.isEmpty()) {
      return JdkTrust.CONTEXT;
    }
    byte[] pem = tls.reader().read(ca.get());
    try {
      return build(pem);
    } catch (IllegalArgumentException e) {
      throw new IOException("'" + ca.get() + "' holds no usable PEM certificate: "
          + e.getMessage(), e);
    }
  }

  private static SslContext build(byte[] pem) {
    SslContextBuilder builder = SslContextBuilder.forClient()
        .endpointIdentificationAlgorithm("HTTPS");
    if (pem != null) {
      builder.trustManager(new ByteArrayInputStream(pem));
    }
    try {
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The name the certificate must carry: the host name, or the IP literal, as configured. */
  private static String host(ProxyServer server) {
    if (server instanceof ProxyServer.HostName name) {
      return name.host();
    }
    return IpLiterals.format(((ProxyServer.IpLiteral) server).address());
  }

  private static String why(Throwable cause) {
    if (cause instanceof ClosedChannelException) {
      return "the proxy closed the connection during the handshake (is its listener using TLS?)";
    }
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = String.valueOf(cause.getMessage());
    if (root != cause && root.getMessage() != null && !text.contains(root.getMessage())) {
      text += " (" + root.getMessage() + ")";
    }
    return text;
  }
}
