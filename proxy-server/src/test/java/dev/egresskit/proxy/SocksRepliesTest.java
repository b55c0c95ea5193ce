package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.unix.Errors;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

class SocksRepliesTest {

  private static String encode(Object reply) {
    EmbeddedChannel channel = new EmbeddedChannel(Socks5ServerEncoder.DEFAULT);
    channel.writeOutbound(reply);
    ByteBuf out = channel.readOutbound();
    try {
      return ByteBufUtil.hexDump(out);
    } finally {
      out.release();
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void aFailureReplyCarriesAddressZeroAsKumoProxyDoes() {
    assertThat(encode(SocksReplies.failure(Socks5CommandStatus.FAILURE)))
        .isEqualTo("05010001000000000000");
    assertThat(encode(SocksReplies.failure(Socks5CommandStatus.FORBIDDEN)))
        .isEqualTo("05020001000000000000");
    assertThat(encode(SocksReplies.failure(Socks5CommandStatus.COMMAND_UNSUPPORTED)))
        .isEqualTo("05070001000000000000");
  }

  @Test
  void aSuccessReplyCarriesTheOutboundSocketsLocalAddress() {
    assertThat(encode(SocksReplies.success(new InetSocketAddress("127.0.0.5", 40000))))
        .isEqualTo("050000017f0000059c40");
    assertThat(encode(SocksReplies.success(new InetSocketAddress("::1", 587))))
        .isEqualTo("05000004" + "00000000000000000000000000000001" + "024b");
  }

  @Test
  void epollErrnosMapAsKumoProxyMapsThem() {
    assertThat(SocksReplies.statusFor(
        new ConnectException("finishConnect(..) failed with error(-111): Connection refused")))
        .isEqualTo(Socks5CommandStatus.CONNECTION_REFUSED);
    assertThat(SocksReplies.statusFor(new ConnectException("connect(..) failed with error(-101): x")))
        .isEqualTo(Socks5CommandStatus.NETWORK_UNREACHABLE);
    assertThat(SocksReplies.statusFor(new ConnectException("connect(..) failed with error(-113): x")))
        .isEqualTo(Socks5CommandStatus.HOST_UNREACHABLE);
    assertThat(SocksReplies.statusFor(new ConnectException("connect(..) failed with error(-110): x")))
        .isEqualTo(Socks5CommandStatus.TTL_EXPIRED);
    assertThat(SocksReplies.statusFor(new Errors.NativeIoException("bind", -SocksReplies.EADDRNOTAVAIL)))
        .isEqualTo(Socks5CommandStatus.FAILURE);
  }

  @Test
  void nioExceptionsMapByTypeAndStrerrorText() {
    assertThat(SocksReplies.statusFor(new ConnectException("Connection refused")))
        .isEqualTo(Socks5CommandStatus.CONNECTION_REFUSED);
    assertThat(SocksReplies.statusFor(new SocketException("Network is unreachable")))
        .isEqualTo(Socks5CommandStatus.NETWORK_UNREACHABLE);
    assertThat(SocksReplies.statusFor(new NoRouteToHostException()))
        .isEqualTo(Socks5CommandStatus.HOST_UNREACHABLE);
    assertThat(SocksReplies.statusFor(new ConnectException("Connection timed out")))
        .isEqualTo(Socks5CommandStatus.TTL_EXPIRED);
    assertThat(SocksReplies.statusFor(new BindException("Cannot assign requested address")))
        .isEqualTo(Socks5CommandStatus.FAILURE);
  }

  @Test
  void nettysOwnConnectTimeoutAnswersTtlExpiredEvenWhenWrapped() {
    assertThat(SocksReplies.statusFor(new RuntimeException(new ConnectTimeoutException("slow"))))
        .isEqualTo(Socks5CommandStatus.TTL_EXPIRED);
  }

  @Test
  void anythingElseIsAGeneralFailure() {
    assertThat(SocksReplies.statusFor(new IllegalStateException("odd")))
        .isEqualTo(Socks5CommandStatus.FAILURE);
  }
}
