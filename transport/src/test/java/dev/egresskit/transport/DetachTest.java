package dev.egresskit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.HealthRules;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Route;
import dev.egresskit.transport.testing.RawServer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A handshaken connection taken out of Netty as a blocking JDK channel. */
class DetachTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final EgressConnector nio =
      EgressConnector.builder().nativeTransport(false).eventLoopThreads(1).build();

  @AfterEach
  void close() {
    nio.close();
  }

  private static EgressSource viaSocks(InetSocketAddress proxy) {
    return new EgressSource("s5", Optional.empty(), OptionalInt.empty(), Duration.ofMinutes(1),
        HealthRules.NONE, new Route.Socks5(new ProxyServer.IpLiteral(proxy.getAddress(),
            proxy.getPort()), Optional.empty(), Optional.empty(), Optional.empty()));
  }

  /**
   * A SOCKS5 proxy that answers CONNECT and sends the destination's banner in the same write, so
   * the banner arrives with the handshake's last reply; then it echoes one line as a reply.
   */
  private static RawServer proxyWithBannerInTheReply() throws Exception {
    return new RawServer("127.0.0.1", (socket, in, out) -> {
      DataInputStream data = new DataInputStream(in);
      data.readNBytes(3);                       // 05 01 00: no authentication
      out.write(new byte[] {5, 0});
      out.flush();
      data.readNBytes(10);                      // CONNECT to an IPv4 address and port
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      reply.write(new byte[] {5, 0, 0, 1, 127, 0, 0, 9, 0x30, 0x39});
      reply.write("220 banner after the reply\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(reply.toByteArray());
      out.flush();
      StringBuilder line = new StringBuilder();
      for (int c; (c = in.read()) != -1 && c != '\n'; ) {
        line.append((char) c);
      }
      out.write(("250 got " + line.toString().trim() + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    });
  }

  @Test
  void theDetachedChannelIsBlockingAndTheBytesThatCameWithTheHandshakeAreHandedOver()
      throws Exception {
    try (RawServer proxy = proxyWithBannerInTheReply()) {
      EgressConnection connection = nio.connect(viaSocks(proxy.address()),
          new InetSocketAddress("127.0.0.1", 2525), TIMEOUT).get(10, TimeUnit.SECONDS);
      DetachedChannel detached = connection.detach().get(10, TimeUnit.SECONDS);

      try (var channel = detached.channel()) {
        assertThat(channel.isBlocking()).isTrue();
        ByteBuffer received = detached.received();
        // One write on loopback: the banner arrives in the same read as the CONNECT reply.
        assertThat(StandardCharsets.US_ASCII.decode(received).toString())
            .isEqualTo("220 banner after the reply\r\n");
        channel.write(ByteBuffer.wrap("QUIT\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(readLine(channel)).isEqualTo("250 got QUIT\r\n");
      }
      assertThat(nio.openChannels()).as("the connector let the channel go").isZero();
    }
  }

  @Test
  void anEpollConnectionCannotBeDetachedAndAnAttachedOneNeither() throws Exception {
    try (RawServer proxy = proxyWithBannerInTheReply();
        EgressConnector epoll = EgressConnector.builder().eventLoopThreads(1).build()) {
      EgressConnection native1 = epoll.connect(viaSocks(proxy.address()),
          new InetSocketAddress("127.0.0.1", 2525), TIMEOUT).get(10, TimeUnit.SECONDS);
      if (epoll.transportName().equals("epoll")) {
        assertThatThrownBy(() -> native1.detach().get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).cause()
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("nativeTransport");
      }
      native1.close();

      EgressConnection attached = nio.connect(viaSocks(proxy.address()),
          new InetSocketAddress("127.0.0.1", 2525), TIMEOUT).get(10, TimeUnit.SECONDS);
      attached.attach(new io.netty.channel.ChannelInboundHandlerAdapter());
      assertThatThrownBy(() -> attached.detach().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).cause()
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("already called");
      attached.close();
    }
  }

  /** Reads up to and including LF. */
  private static String readLine(java.nio.channels.SocketChannel channel) throws Exception {
    StringBuilder out = new StringBuilder();
    var in = Channels.newInputStream(channel);
    for (int c; (c = in.read()) != -1; ) {
      out.append((char) c);
      if (c == '\n') {
        break;
      }
    }
    return out.toString();
  }
}
