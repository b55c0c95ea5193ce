package dev.egresskit.transport.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.transport.spi.HandshakeContext;
import dev.egresskit.transport.spi.SourceAddressInfo;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** A {@link HandshakeContext} for {@link EmbeddedChannel} tests that records every call. */
final class RecordingContext implements HandshakeContext {
  final EgressSource source;
  final InetSocketAddress destination;
  final InetSocketAddress transport;
  final List<String> phases = new ArrayList<>();
  SourceAddressInfo succeeded;
  FailureKind failedKind;
  String failedReason;
  int outcomes;
  /** The existing byte-exact cases are KumoMTA's lock-step exchange; one-flight tests clear it. */
  boolean lockstep = true;

  RecordingContext(EgressSource source, InetSocketAddress destination, InetSocketAddress transport) {
    this.source = source;
    this.destination = destination;
    this.transport = transport;
  }

  /** An embedded channel whose pipeline holds a hand-off stand-in that collects what passes. */
  static EmbeddedChannel channel(List<Object> handedOff) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(HANDOFF, new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        handedOff.add(msg);
      }
    });
    return ch;
  }

  /** Feeds the channel the proxy's bytes, written as hex pairs with spaces ({@code "05 00"}). */
  static void reply(EmbeddedChannel ch, String hex) {
    ch.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", ""))));
  }

  /** The handshake ended once, failing with this kind and reason. */
  void assertFailed(FailureKind kind, String reason) {
    assertThat(failedKind).isEqualTo(kind);
    assertThat(failedReason).isEqualTo(reason);
    assertThat(succeeded).isNull();
    assertThat(outcomes).isEqualTo(1);
  }

  @Override
  public EgressSource source() {
    return source;
  }

  @Override
  public InetSocketAddress destination() {
    return destination;
  }

  @Override
  public InetSocketAddress transport() {
    return transport;
  }

  @Override
  public boolean lockstep() {
    return lockstep;
  }

  @Override
  public void enterPhase(String phase) {
    phases.add(phase);
  }

  @Override
  public void succeed(SourceAddressInfo reported) {
    outcomes++;
    succeeded = reported;
  }

  @Override
  public void fail(FailureKind kind, String reason, Throwable cause) {
    outcomes++;
    if (failedKind == null) {
      failedKind = kind;
      failedReason = reason;
    }
  }
}
