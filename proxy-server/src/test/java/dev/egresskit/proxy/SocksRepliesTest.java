package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.unix.Errors;
import java.util.function.Consumer;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

class SocksRepliesTest {

  private static String write(Consumer<ByteBuf> reply) {
    ByteBuf out = Unpooled.buffer();
    try {
      reply.accept(out);
      return ByteBufUtil.hexDump(out);
    } finally {
      out.release();
    }
  }

  @Test
  void aFailureReplyCarriesAddressZeroAsKumoProxyDoes() {
    assertThat(write(out -> SocksReplies.failure(out, SocksReplies.FAILURE)))
        .isEqualTo("05010001000000000000");
    assertThat(write(out -> SocksReplies.failure(out, SocksReplies.FORBIDDEN)))
        .isEqualTo("05020001000000000000");
    assertThat(write(out -> SocksReplies.failure(out, SocksReplies.COMMAND_UNSUPPORTED)))
        .isEqualTo("05070001000000000000");
    assertThat(write(out -> SocksReplies.failure(out, SocksReplies.ADDRESS_UNSUPPORTED)))
        .isEqualTo("05080001000000000000");
  }

  @Test
  void methodAndAuthRepliesAreTwoBytes() {
    assertThat(write(out -> SocksReplies.method(out, SocksReplies.NO_AUTH))).isEqualTo("0500");
    assertThat(write(out -> SocksReplies.method(out, SocksReplies.PASSWORD))).isEqualTo("0502");
    assertThat(write(out -> SocksReplies.method(out, SocksReplies.NO_ACCEPTABLE_METHOD)))
        .isEqualTo("05ff");
    assertThat(write(out -> SocksReplies.auth(out, SocksReplies.AUTH_SUCCESS))).isEqualTo("0100");
    assertThat(write(out -> SocksReplies.auth(out, SocksReplies.AUTH_REFUSED))).isEqualTo("0101");
  }

  @Test
  void aSuccessReplyCarriesTheOutboundSocketsLocalAddress() {
    assertThat(write(out -> SocksReplies.success(out, new InetSocketAddress("127.0.0.5", 40000))))
        .isEqualTo("050000017f0000059c40");
    assertThat(write(out -> SocksReplies.success(out, new InetSocketAddress("::1", 587))))
        .isEqualTo("05000004" + "00000000000000000000000000000001" + "024b");
  }

  @Test
  void epollErrnosMapAsKumoProxyMapsThem() {
    assertThat(SocksReplies.statusFor(
        new ConnectException("finishConnect(..) failed with error(-111): Connection refused")))
        .isEqualTo(SocksReplies.CONNECTION_REFUSED);
    assertThat(SocksReplies.statusFor(new ConnectException("connect(..) failed with error(-101): x")))
        .isEqualTo(SocksReplies.NETWORK_UNREACHABLE);
    assertThat(SocksReplies.statusFor(new ConnectException("connect(..) failed with error(-113): x")))
        .isEqualTo(SocksReplies.HOST_UNREACHABLE);
    assertThat(SocksReplies.statusFor(new ConnectException("connect(..) failed with error(-110): x")))
        .isEqualTo(SocksReplies.TTL_EXPIRED);
    assertThat(SocksReplies.statusFor(new Errors.NativeIoException("bind", -SocksReplies.EADDRNOTAVAIL)))
        .isEqualTo(SocksReplies.FAILURE);
  }

  @Test
  void nioExceptionsMapByTypeAndStrerrorText() {
    assertThat(SocksReplies.statusFor(new ConnectException("Connection refused")))
        .isEqualTo(SocksReplies.CONNECTION_REFUSED);
    assertThat(SocksReplies.statusFor(new SocketException("Network is unreachable")))
        .isEqualTo(SocksReplies.NETWORK_UNREACHABLE);
    assertThat(SocksReplies.statusFor(new NoRouteToHostException()))
        .isEqualTo(SocksReplies.HOST_UNREACHABLE);
    assertThat(SocksReplies.statusFor(new ConnectException("Connection timed out")))
        .isEqualTo(SocksReplies.TTL_EXPIRED);
    assertThat(SocksReplies.statusFor(new BindException("Cannot assign requested address")))
        .isEqualTo(SocksReplies.FAILURE);
  }

  @Test
  void nettysOwnConnectTimeoutAnswersTtlExpiredEvenWhenWrapped() {
    assertThat(SocksReplies.statusFor(new RuntimeException(new ConnectTimeoutException("slow"))))
        .isEqualTo(SocksReplies.TTL_EXPIRED);
  }

  @Test
  void anythingElseIsAGeneralFailure() {
    assertThat(SocksReplies.statusFor(new IllegalStateException("odd")))
        .isEqualTo(SocksReplies.FAILURE);
  }
}
