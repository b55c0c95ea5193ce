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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Spec cases 33–40 and every error text of §2.5, byte for byte on an embedded channel. */
class Socks5HandshakeTest {
  private static final InetSocketAddress PROXY = new InetSocketAddress(ip("127.0.0.1"), 1080);
  private static final InetSocketAddress DEST_V4 = new InetSocketAddress(ip("192.0.2.25"), 25);
  private static final InetSocketAddress DEST_V6 = new InetSocketAddress(ip("2001:db8::25"), 587);

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

  private static Route.Socks5 route(String sourceAddress, Socks5Credentials credentials) {
    return new Route.Socks5(new ProxyServer.IpLiteral(PROXY.getAddress(), 1080),
        Optional.ofNullable(sourceAddress).map(a -> ip(a)), Optional.ofNullable(credentials),
        Optional.empty());
  }

  private static Socks5Credentials userPass(String user, String pass) {
    return new Socks5Credentials(user, new Secret.Inline(pass));
  }

  private void start(Route.Socks5 route, InetSocketAddress destination) {
    ch = RecordingContext.channel(handedOff);
    ctx = new RecordingContext(source("s5", route), destination, PROXY);
    new Socks5Strategy(route).startHandshake(ch, ctx);
  }

  private String sent() {
    ByteBuf buf = ch.readOutbound();
    assertThat(buf).as("a frame was sent").isNotNull();
    String hex = ByteBufUtil.hexDump(buf).toUpperCase();
    buf.release();
    return hex;
  }

  @Test
  void greetingWithoutCredentialsOffersOnlyNoAuth() {
    start(route(null, null), DEST_V4);
    assertThat(sent()).isEqualTo("050100");
    assertThat(ctx.phases).last().isEqualTo("waiting for the SOCKS5 method reply");
  }

  @Test
  void greetingWithCredentialsOffersNoAuthFirstThenUsernamePassword() {
    start(route(null, userPass("user", "pass")), DEST_V4);
    assertThat(sent()).isEqualTo("05020002");
  }

  @Test
  void usernamePasswordFrameMatchesCase34AndSuccessMovesOn() {
    start(route("10.0.0.1", userPass("user", "pass")), DEST_V4);
    sent();
    reply(ch, "05 02");
    assertThat(sent()).isEqualTo("01" + "04" + "75736572" + "04" + "70617373");
    reply(ch, "01 00");
    assertThat(sent()).isEqualTo("050200010A0000010000");
    assertThat(ctx.failedKind).isNull();
  }

  @Test
  void rejectedCredentialsReadIncorrect() {
    start(route(null, userPass("user", "pass")), DEST_V4);
    sent();
    reply(ch, "05 02");
    sent();
    reply(ch, "01 01");
    ctx.assertFailed(FailureKind.PROXY_AUTH_REJECTED, "SOCKS5 username/password was incorrect");
  }

  @Test
  void authReplyWithWrongVersionIsAnInvalidPacket() {
    start(route(null, userPass("user", "pass")), DEST_V4);
    sent();
    reply(ch, "05 02");
    sent();
    reply(ch, "05 00");
    ctx.assertFailed(FailureKind.PROXY_PROTOCOL_ERROR,
        "invalid SOCKS5 UsernamePassword response packet [5]");
  }

  @Test
  void bindRequestsCarryTheSourceAddressAndPortZeroForBothFamilies() {
    start(route("10.0.0.1", null), DEST_V4);
    sent();
    reply(ch, "05 00");
    assertThat(sent()).isEqualTo("050200010A0000010000");

    release();
    handedOff.clear();
    start(route("2001:db8::1", null), DEST_V6);
    sent();
    reply(ch, "05 00");
    assertThat(sent()).isEqualTo("05020004" + "20010DB8" + "00".repeat(11) + "01" + "0000");
  }

  @Test
  void connectRequestsFollowTheBindAndMatchCase36() {
    start(route("10.0.0.1", null), DEST_V4);
    sent();
    reply(ch, "05 00");
    sent();
    reply(ch, "05 00 00 01 0A 00 00 01 00 00");
    assertThat(sent()).isEqualTo("050100" + "01" + "C0000219" + "0019");
    assertThat(ctx.phases).last().isEqualTo("waiting for the SOCKS5 CONNECT reply");

    release();
    handedOff.clear();
    start(route("2001:db8::1", null), DEST_V6);
    sent();
    reply(ch, "05 00");
    sent();
    reply(ch, "05 00 00 04" + "00".repeat(16) + "0000");
    assertThat(sent()).isEqualTo("050100" + "04" + "20010DB8" + "00".repeat(11) + "25" + "024B");
  }

  @Test
  void withoutASourceAddressThePlainConnectIsSentRightAfterTheGreeting() {
    start(route(null, null), DEST_V4);
    sent();
    reply(ch, "05 00");
    assertThat(sent()).isEqualTo("05010001C00002190019");
  }

  @Test
  void connectReplyAddressIsTheReportedSourceAndTheCodecIsRemoved() {
    start(route("10.0.0.1", null), DEST_V4);
    sent();
    reply(ch, "05 00");
    sent();
    reply(ch, "05 00 00 01 0A 00 00 01 00 00");
    sent();
    reply(ch, "05 00 00 01 0A 00 00 01 9C 40");
    assertThat(ctx.succeeded).isEqualTo(new SourceAddressInfo(
        new InetSocketAddress(ip("10.0.0.1"), 40000), "socks5", Optional.of(PROXY)));
    assertThat(ch.pipeline().names()).doesNotContain(Socks5Handshake.HANDLER);
    assertThat(ctx.outcomes).isEqualTo(1);
  }

  @Test
  void bytesArrivingWithTheConnectReplyAreHandedOnNotLost() {
    start(route(null, null), DEST_V4);
    sent();
    reply(ch, "05 00");
    sent();
    ch.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex("05000001" + "0A000001" + "9C40"),
        "220 mx ESMTP\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertThat(ctx.succeeded).isNotNull();
    assertThat(handedOff).hasSize(1);
    assertThat(((ByteBuf) handedOff.get(0)).toString(StandardCharsets.US_ASCII))
        .isEqualTo("220 mx ESMTP\r\n");
  }

  @Test
  void aConnectReplySplitAtEveryByteIsReadWholeAndAnIpv6BoundAddressReported() {
    start(route(null, null), DEST_V6);
    sent();
    reply(ch, "05 00");
    assertThat(sent()).isEqualTo("050100" + "04" + "20010DB8" + "00".repeat(11) + "25" + "024B");
    String all = "05000004" + "20010DB8" + "00".repeat(11) + "07" + "9C40";
    for (int i = 0; i < all.length(); i += 2) {
      assertThat(ctx.succeeded).as("not before the last byte").isNull();
      reply(ch, all.substring(i, i + 2));
    }
    assertThat(ctx.succeeded).isEqualTo(new SourceAddressInfo(
        new InetSocketAddress(ip("2001:db8::7"), 40000), "socks5", Optional.of(PROXY)));
    assertThat(handedOff).isEmpty();
    assertThat(ch.pipeline().names()).doesNotContain(Socks5Handshake.HANDLER);
  }

  @Test
  void refusedBindIsAProxyBindRejection() {
    start(route("10.0.0.1", null), DEST_V4);
    sent();
    reply(ch, "05 00");
    sent();
    reply(ch, "05 01 00 01 00 00 00 00 00 00");
    ctx.assertFailed(FailureKind.PROXY_BIND_REJECTED, "The proxy server failed to bind 10.0.0.1 via "
        + "socks5 proxy 127.0.0.1:1080: SocksV5Response { status: ServerFailure, host: 0.0.0.0, "
        + "port: 0 }");
    assertThat((Object) ch.readOutbound()).as("no CONNECT after a refused BIND").isNull();
  }

  /**
   * No acceptable method, a password method the client did not offer, SOCKS version 4: each
   * refused at the method reply.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "05 FF | PROXY_AUTH_REJECTED  | incompatible SOCKS5 authentication NoAcceptableMethod",
      "05 02 | PROXY_AUTH_REJECTED  | server responded with UsernamePassword method when we didn't ask for it",
      "04 00 | PROXY_PROTOCOL_ERROR | invalid SOCKS version 04, expected 05"})
  void aMethodReplyItCannotFollowFails(String methodReply, FailureKind kind, String reason) {
    start(route(null, null), DEST_V4);
    sent();
    reply(ch, methodReply);
    ctx.assertFailed(kind, reason);
  }

  @Test
  void refusedConnectIsADestinationFailureNotAProxyFault() {
    start(route("10.0.0.1", null), DEST_V4);
    sent();
    reply(ch, "05 00");
    sent();
    reply(ch, "05 00 00 01 0A 00 00 01 00 00");
    sent();
    reply(ch, "05 05 00 01 00 00 00 00 00 00");
    ctx.assertFailed(FailureKind.DESTINATION_FAILED, "failed to connect 10.0.0.1 -> 192.0.2.25:25 via "
        + "socks5 proxy 127.0.0.1:1080: SocksV5Response { status: ConnectionRefused, host: "
        + "0.0.0.0, port: 0 }");
  }

  /** A status above 08, an unknown address type, a domain name: each a protocol error. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "05 09 00 01 00 00 00 00 00 00 | invalid status 09",
      "05 00 00 05 00 00 00 00 00 00 | invalid address type 05",
      "05 00 00 03 01 61 00 19       | Domain not supported"})
  void aConnectReplyItCannotReadIsAProtocolError(String connectReply, String reason) {
    start(route(null, null), DEST_V4);
    sent();
    reply(ch, "05 00");
    sent();
    reply(ch, connectReply);
    ctx.assertFailed(FailureKind.PROXY_PROTOCOL_ERROR, reason);
  }

  @Test
  void filePasswordIsReadAtEachHandshakeSoARotationIsPickedUp(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("pw");
    Files.writeString(file, "first\n");
    Route.Socks5 route = route(null, new Socks5Credentials("u", new Secret.FileRef(file)));
    start(route, DEST_V4);
    sent();
    Files.writeString(file, "second\n");
    reply(ch, "05 02");
    assertThat(sent()).isEqualTo("0101" + "75" + "06" + HexFormat.of().formatHex(
        "second".getBytes(StandardCharsets.US_ASCII)).toUpperCase());
  }

  @Test
  void unreadablePasswordFileIsSecretUnavailable(@TempDir Path dir) {
    Route.Socks5 route = route(null,
        new Socks5Credentials("u", new Secret.FileRef(dir.resolve("missing"))));
    start(route, DEST_V4);
    sent();
    reply(ch, "05 02");
    assertThat(ctx.failedKind).isEqualTo(FailureKind.SECRET_UNAVAILABLE);
    assertThat(ctx.failedReason).startsWith("failed to retrieve socks5 password");
  }

  @Test
  void overlongUsernameAndPasswordAreNamedSeparatelyAndNeverSent() {
    start(route(null, userPass("u".repeat(256), "pass")), DEST_V4);
    sent();
    reply(ch, "05 02");
    ctx.assertFailed(FailureKind.PROXY_PROTOCOL_ERROR, "username is too long for SOCKS5 protocol");
    assertThat((Object) ch.readOutbound()).isNull();

    release();
    start(route(null, userPass("user", "p".repeat(256))), DEST_V4);
    sent();
    reply(ch, "05 02");
    ctx.assertFailed(FailureKind.PROXY_PROTOCOL_ERROR, "password is too long for SOCKS5 protocol");
  }

  @Test
  void nonAsciiCredentialsAreSentAsUtf8WithByteLengths() {
    start(route(null, userPass("jörg", "pässwörd")), DEST_V4);
    sent();
    reply(ch, "05 02");
    byte[] user = "jörg".getBytes(StandardCharsets.UTF_8);
    byte[] pass = "pässwörd".getBytes(StandardCharsets.UTF_8);
    assertThat(sent()).isEqualTo(("01" + String.format("%02x", user.length)
        + HexFormat.of().formatHex(user) + String.format("%02x", pass.length)
        + HexFormat.of().formatHex(pass)).toUpperCase());
  }

  @Test
  void noFailureTextEverContainsThePassword() {
    String secret = "s3cr3t-Pa55";
    String[][] scripts = {
        {"05 02", "01 01"}, {"05 02", "01 00", "05 01 00 01 00 00 00 00 00 00"},
        {"05 02", "01 00", "05 00 00 01 0A 00 00 01 00 00", "05 05 00 01 00 00 00 00 00 00"},
        {"05 02", "02 00"}, {"05 02", "01 00", "05 09 00 01 00 00 00 00 00 00"}};
    for (String[] script : scripts) {
      start(route("10.0.0.1", userPass("user", secret)), DEST_V4);
      for (String r : script) {
        reply(ch, r);
      }
      assertThat(ctx.failedReason).as(String.join(" ", script)).isNotNull()
          .doesNotContain(secret);
      release();
      ch = null;
    }
  }
}
