package dev.egresskit.transport.strategy;

import static dev.egresskit.transport.testing.Sources.ip;
import static dev.egresskit.transport.testing.Sources.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Route;
import dev.egresskit.transport.spi.HandshakeContext;
import dev.egresskit.transport.spi.SourceAddressInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Spec cases 25 and 30–32, byte for byte. */
class HaProxyHeaderTest {
  private static final InetSocketAddress PROXY = new InetSocketAddress(ip("127.0.0.1"), 5000);

  private static String headerFor(String src, InetSocketAddress dst, RecordingContext[] out) {
    Route.HaProxy route = new Route.HaProxy(new ProxyServer.IpLiteral(PROXY.getAddress(), 5000),
        ip(src), Optional.empty());
    RecordingContext ctx = new RecordingContext(source("ha", route), dst, PROXY);
    EmbeddedChannel ch = RecordingContext.channel(new ArrayList<>());
    new HaProxyStrategy(route).startHandshake(ch, ctx);
    ByteBuf written = ch.readOutbound();
    String hex = ByteBufUtil.hexDump(written).toUpperCase();
    written.release();
    assertThat((Object) ch.readOutbound()).as("exactly one write").isNull();
    assertThat(ch.pipeline().get(HaProxyStrategy.ENCODER)).as("encoder removed").isNull();
    assertThat(ch.pipeline().get(HandshakeContext.HANDOFF)).isNotNull();
    out[0] = ctx;
    ch.finishAndReleaseAll();
    return hex;
  }

  @Test
  void ipv4HeaderIsTheTwentyEightBytesOfCase30() {
    RecordingContext[] ctx = new RecordingContext[1];
    String hex = headerFor("10.0.0.1", new InetSocketAddress(ip("192.0.2.25"), 25), ctx);
    assertThat(hex).isEqualTo(
        "0D0A0D0A000D0A515549540A" + "21" + "11" + "000C" + "0A000001" + "C0000219" + "0000"
            + "0019");
    assertThat(hex).hasSize(28 * 2);
  }

  @Test
  void ipv6HeaderIsTheFiftyTwoBytesOfCase31() {
    RecordingContext[] ctx = new RecordingContext[1];
    String hex = headerFor("2001:db8::1",
        new InetSocketAddress(ip("2001:db8::25"), 25), ctx);
    assertThat(hex).isEqualTo("0D0A0D0A000D0A515549540A" + "21" + "21" + "0024"
        + "20010DB8" + "00".repeat(11) + "01"
        + "20010DB8" + "00".repeat(11) + "25"
        + "0000" + "0019");
    assertThat(hex).hasSize(52 * 2);
  }

  @Test
  void reportedSourceIsTheHeaderSourceWithPortZeroAndTheCandidate() {
    RecordingContext[] ctx = new RecordingContext[1];
    headerFor("10.0.0.1", new InetSocketAddress(ip("192.0.2.25"), 25), ctx);
    assertThat(ctx[0].succeeded).isEqualTo(new SourceAddressInfo(
        new InetSocketAddress(ip("10.0.0.1"), 0), "haproxy", Optional.of(PROXY)));
    assertThat(ctx[0].outcomes).isEqualTo(1);
  }

  @Test
  void familyMismatchBetweenHeaderSourceAndDestinationIsRefusedWithCase25Text() {
    Route.HaProxy route = new Route.HaProxy(new ProxyServer.IpLiteral(PROXY.getAddress(), 5000),
        ip("10.0.0.1"), Optional.empty());
    Optional<String> problem = new HaProxyStrategy(route).checkDestination(
        source("ha-1", route), new InetSocketAddress(ip("2001:db8::25"), 25));
    assertThat(problem).contains("Skipping ha-1 because ha_proxy_source_address 10.0.0.1 address "
        + "family does not match the destination address family [2001:db8::25]:25");
    assertThat(new HaProxyStrategy(route).checkDestination(source("ha-1", route),
        new InetSocketAddress(ip("192.0.2.25"), 25))).isEmpty();
  }

  @Test
  void strategyNamesItsFieldAndServer() {
    Route.HaProxy route = new Route.HaProxy(new ProxyServer.HostName("proxy.test", 5000),
        ip("10.0.0.1"), Optional.empty());
    assertThat(new HaProxyStrategy(route).proxy()).hasValueSatisfying(p -> {
      assertThat(p.field()).isEqualTo("ha_proxy_server");
      assertThat(p.server()).hasToString("proxy.test:5000");
    });
  }
}
