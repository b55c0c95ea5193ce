package dev.egresskit.transport.strategy;

import static dev.egresskit.transport.testing.Sources.ip;
import static dev.egresskit.transport.testing.Sources.source;
import static dev.egresskit.transport.strategy.RecordingContext.reply;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.Secret;
import dev.egresskit.core.model.Socks5Credentials;
import dev.egresskit.transport.spi.SourceAddressInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SOCKS5 in one flight, byte for byte: every request leaves before the first reply, the replies
 * are read in order however they are segmented, and a refusal at each step keeps that step's
 * failure kind and text.
 */
class Socks5OneFlightTest {
  private static final InetSocketAddress PROXY = new InetSocketAddress(ip("127.0.0.1"), 1080);
  private static final InetSocketAddress DEST = new InetSocketAddress(ip("192.0.2.25"), 25);
  private static final String GREETING_NO_AUTH = "050100";
  private static final String GREETING_PASSWORD = "050102";
  private static final String AUTH_FRAME = "01" + "04" + "75736572" + "04" + "70617373";
  private static final String BIND = "050200010A0000010000";
  private static final String CONNECT = "05010001C00002190019";
  private static final String OK_BIND = "05000001" + "0A000001" + "0000";
  private static final String OK_CONNECT = "05000001" + "0A000001" + "9C40";

  private final List<Object> handedOff = new ArrayList<>();
  private EmbeddedChannel ch;
  private RecordingContext ctx;

  @AfterEach
  void release() {
    if (ch != null) {
      ch.finishAndReleaseAll();
    }
    handedOff.forEach(io.netty.util.ReferenceCountUtil::release);
  }

  private void start(String sourceAddress, boolean credentials) {
    Route.Socks5 route = new Route.Socks5(new ProxyServer.IpLiteral(PROXY.getAddress(), 1080),
        Optional.ofNullable(sourceAddress).map(a -> ip(a)),
        credentials ? Optional.of(new Socks5Credentials("user", new Secret.Inline("pass")))
            : Optional.empty(), Optional.empty());
    ch = RecordingContext.channel(handedOff);
    ctx = new RecordingContext(source("s5", route), DEST, PROXY);
    ctx.lockstep = false;
    new Socks5Strategy(route).startHandshake(ch, ctx);
  }

  /** Everything written so far, frame by frame, as hex. */
  private List<String> sentFrames() {
    List<String> frames = new ArrayList<>();
    for (ByteBuf buf; (buf = ch.readOutbound()) != null; ) {
      frames.add(ByteBufUtil.hexDump(buf).toUpperCase());
      buf.release();
    }
    return frames;
  }

  @Test
  void withoutCredentialsOrSourceTheGreetingAndConnectLeaveTogether() {
    start(null, false);
    assertThat(sentFrames()).as("one buffer, one flush").containsExactly(GREETING_NO_AUTH + CONNECT);
    assertThat(ctx.phases).last().isEqualTo("waiting for the SOCKS5 method reply");
  }

  @Test
  void withCredentialsAndSourceAllFourRequestsLeaveBeforeAnyReply() {
    start("10.0.0.1", true);
    assertThat(sentFrames()).as("one buffer, one flush")
        .containsExactly(GREETING_PASSWORD + AUTH_FRAME + BIND + CONNECT);
  }

  @Test
  void allRepliesInOneSegmentWithTheBannerSucceedAndHandTheBannerOn() {
    start("10.0.0.1", true);
    sentFrames();
    ch.writeInbound(Unpooled.wrappedBuffer(
        HexFormat.of().parseHex("0502" + "0100" + OK_BIND + OK_CONNECT),
        "220 mx ESMTP\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertThat(ctx.succeeded).isEqualTo(new SourceAddressInfo(
        new InetSocketAddress(ip("10.0.0.1"), 40000), "socks5", Optional.of(PROXY)));
    assertThat(ctx.outcomes).isEqualTo(1);
    assertThat(handedOff).hasSize(1);
    assertThat(((ByteBuf) handedOff.get(0)).toString(StandardCharsets.US_ASCII))
        .isEqualTo("220 mx ESMTP\r\n");
    assertThat(ch.pipeline().names()).doesNotContain(Socks5Handshake.HANDLER);
    assertThat(sentFrames()).isEmpty();
  }

  @Test
  void repliesSplitAtEveryByteAreReadInOrder() {
    start("10.0.0.1", false);
    sentFrames();
    String all = "0500" + OK_BIND + OK_CONNECT;
    for (int i = 0; i < all.length(); i += 2) {
      reply(ch, all.substring(i, i + 2));
      if (i == 2) {
        assertThat(ctx.phases).last().isEqualTo("waiting for the SOCKS5 BIND reply");
      }
    }
    assertThat(ctx.phases).last().isEqualTo("waiting for the SOCKS5 CONNECT reply");
    assertThat(ctx.succeeded).isNotNull();
    assertThat(handedOff).isEmpty();
  }

  @Test
  void aDomainBoundAddressInTheBindReplyIsFramedByItsLength() {
    start("10.0.0.1", false);
    sentFrames();
    reply(ch, "0500" + "05000003" + "04" + "70726F78" + "0000" + OK_CONNECT);
    assertThat(ctx.succeeded).isNotNull();
  }

  @Test
  void refusedMethodIsAnAuthRejectionEvenWithTheOtherRepliesMissing() {
    start("10.0.0.1", true);
    sentFrames();
    reply(ch, "05 FF");
    ctx.assertFailed(FailureKind.PROXY_AUTH_REJECTED,
        "incompatible SOCKS5 authentication NoAcceptableMethod");
  }

  @Test
  void noAuthChosenWhenOnlyPasswordWasOfferedIsRefused() {
    start(null, true);
    sentFrames();
    reply(ch, "05 00");
    ctx.assertFailed(FailureKind.PROXY_AUTH_REJECTED,
        "server responded with NoAuth method when we offered only UsernamePassword");
  }

  @Test
  void refusedCredentialsAreAnAuthRejection() {
    start("10.0.0.1", true);
    sentFrames();
    reply(ch, "0502" + "0101");
    ctx.assertFailed(FailureKind.PROXY_AUTH_REJECTED, "SOCKS5 username/password was incorrect");
  }

  @Test
  void refusedBindIsABindRejection() {
    start("10.0.0.1", true);
    sentFrames();
    reply(ch, "0502" + "0100" + "05010001" + "00000000" + "0000");
    ctx.assertFailed(FailureKind.PROXY_BIND_REJECTED, "The proxy server failed to bind 10.0.0.1 via "
        + "socks5 proxy 127.0.0.1:1080: SocksV5Response { status: ServerFailure, host: 0.0.0.0, "
        + "port: 0 }");
  }

  @Test
  void refusedConnectIsADestinationFailure() {
    start("10.0.0.1", true);
    sentFrames();
    reply(ch, "0502" + "0100" + OK_BIND + "05050001" + "00000000" + "0000");
    ctx.assertFailed(FailureKind.DESTINATION_FAILED, "failed to connect 10.0.0.1 -> 192.0.2.25:25 via "
        + "socks5 proxy 127.0.0.1:1080: SocksV5Response { status: ConnectionRefused, host: "
        + "0.0.0.0, port: 0 }");
  }

  @Test
  void aWrongVersionInALaterReplyIsStillQuoted() {
    start("10.0.0.1", false);
    sentFrames();
    reply(ch, "0500" + "04000001" + "00000000" + "0000");
    ctx.assertFailed(FailureKind.PROXY_PROTOCOL_ERROR, "invalid SOCKS version 04, expected 05");
  }

  @Test
  void anUnreadablePasswordSendsNothingAtAll() {
    Route.Socks5 route = new Route.Socks5(new ProxyServer.IpLiteral(PROXY.getAddress(), 1080),
        Optional.empty(), Optional.of(new Socks5Credentials("user",
            new Secret.FileRef(java.nio.file.Path.of("/nonexistent/egresskit-password")))),
        Optional.empty());
    ch = RecordingContext.channel(handedOff);
    ctx = new RecordingContext(source("s5", route), DEST, PROXY);
    ctx.lockstep = false;
    new Socks5Strategy(route).startHandshake(ch, ctx);
    assertThat(ctx.failedKind).isEqualTo(FailureKind.SECRET_UNAVAILABLE);
    assertThat(sentFrames()).isEmpty();
  }
}
