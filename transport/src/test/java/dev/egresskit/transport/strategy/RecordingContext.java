package dev.egresskit.transport.strategy;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.transport.spi.HandshakeContext;
import dev.egresskit.transport.spi.SourceAddressInfo;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
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
