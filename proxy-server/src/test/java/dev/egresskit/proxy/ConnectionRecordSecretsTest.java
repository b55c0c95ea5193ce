package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.egresskit.testkit.net.InetEmbeddedChannel;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The connection line names a TLS fault without the bytes the client sent in clear. */
class ConnectionRecordSecretsTest {

  @Test
  void aClearTextFrameOnATlsPortIsNamedNeverDumped() {
    List<String> lines = new CopyOnWriteArrayList<>();
    AtomicInteger active = new AtomicInteger();
    ProxyConfig config = new ProxyConfig(null, false, null, null, DestinationRule.any(),
        ProxyTimeouts.defaults());
    ServerContext context = new ServerContext(config, SocketBackend.select(false),
        new ProxyMetrics(new SimpleMeterRegistry(), "embedded", active), active, null,
        new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), "embedded", line -> lines.add(line.toString()));
    EmbeddedChannel channel = new InetEmbeddedChannel(context::accept);
    String hex = ByteBufUtil.hexDump("\u0005\u0001\u0002\u0001\u0004userpw-in-clear"
        .getBytes(StandardCharsets.ISO_8859_1));
    // What Netty's SslHandler raises for such bytes: their hex dump in the message.
    channel.pipeline().fireExceptionCaught(new NotSslRecordException(
        "not an SSL/TLS record: " + hex));
    channel.finishAndReleaseAll();

    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("not a TLS record").doesNotContain(hex)
        .doesNotContain("pw-in-clear");
  }
}
