package dev.egresskit.interop;

import static dev.egresskit.interop.Ips.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The smtp-sink half of the harness, checked with a plain {@link java.net.Socket} client: the
 * sink starts on a free port, its log proves the client's source address and EHLO name, it
 * stops by pid, and a failing assertion carries its log.
 */
@ExtendWith(PeerExtension.class)
class SmtpSinkHarnessIT {

  @Test
  void aSocketBoundTo127005IsLoggedWithThatAddressAndItsEhloName(Peers peers) throws IOException {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);

    InetSocketAddress local =
        PlainSmtpClient.session(ip("127.0.0.5"), sink.address(), "harness.example");

    SinkSession session = sink.awaitSessionWithEhlo("harness.example");
    assertThat(local.getAddress()).isEqualTo(ip("127.0.0.5"));
    assertThat(session.family()).isEqualTo("AF_INET");
    assertThat(session.clientAddress()).isEqualTo("127.0.0.5");
    assertThat(session.commands()).containsExactly("EHLO harness.example", "QUIT");
    assertThat(sink.process().logText()).contains("connect (AF_INET 127.0.0.5)")
        .contains("EHLO harness.example");
  }

  @Test
  void aSinkOnTheIpv6LoopbackLogsAnIpv6Client(Peers peers) throws IOException {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V6);

    PlainSmtpClient.session(Ips.LOOPBACK_V6, sink.address(), "six.harness.example");

    SinkSession session = sink.awaitSessionWithEhlo("six.harness.example");
    assertThat(session.family()).isEqualTo("AF_INET6");
    assertThat(ip(session.clientAddress())).isEqualTo(Ips.LOOPBACK_V6);
  }

  @Test
  void closingThePeersStopsTheSinkProcessAndFreesItsPort(Peers peers) {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    long pid = sink.process().pid();
    assertThat(ProcessHandle.of(pid)).isPresent();

    peers.close();

    assertThat(sink.process().isAlive()).isFalse();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(
        java.util.Optional.of(true));
    assertThatThrownBy(() -> PlainSmtpClient.session(Ips.LOOPBACK_V4, sink.address(), "late"))
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void aFailingAssertionCarriesTheSinkLog(Peers peers) throws IOException {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    PlainSmtpClient.session(ip("127.0.0.5"), sink.address(), "evidence.example");
    SinkSession session = sink.awaitSessionWithEhlo("evidence.example");

    Throwable failure = catchThrowable(
        () -> assertThat(session.clientAddress()).isEqualTo("127.0.0.6"));
    Throwable reported = PeerLogs.withPeerLogs(failure, peers.processes());

    assertThat(reported).isInstanceOf(AssertionError.class).hasCause(failure);
    assertThat(reported.getMessage())
        .startsWith(failure.getMessage())
        .contains("--- peer " + sink.process().name())
        .contains(sink.process().log().toString())
        .contains("connect (AF_INET 127.0.0.5)")
        .contains("EHLO evidence.example");
  }

  @Test
  void anErrorThatIsNotAnAssertionKeepsItsTypeAndCarriesTheLogAsSuppressed(Peers peers) {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    IOException failure = new IOException("probe failed");

    Throwable reported = PeerLogs.withPeerLogs(failure, List.of(sink.process()));

    assertThat(reported).isSameAs(failure);
    assertThat(reported.getSuppressed()).singleElement()
        .satisfies(s -> assertThat(s.getMessage()).contains("smtp-sink: name_mask"));
  }

  @Test
  void aSinkThatCannotBindIsReportedWithItsExitAndLog(Peers peers) {
    // 192.0.2.1 is used only as a bind address: smtp-sink fails to bind it, nothing is sent.
    PeerProcess broken = peers.start("smtp-sink-unbindable",
        SmtpSinkPeer.command(ip("192.0.2.1"), 2525));

    assertThatThrownBy(() -> broken.awaitListening(new InetSocketAddress(Ips.LOOPBACK_V4, 9),
        Reachability.FROM_HOST, Duration.ofSeconds(10)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with status")
        .hasMessageContaining("Cannot assign requested address");
  }

  @Test
  void curlSpeaksSmtpToTheSinkFromTheAddressItIsGiven(Peers peers) {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);

    CommandResult curl = Curl.smtpSession(List.of("--interface", "127.0.0.7"), sink.address(),
        "curl.harness.example", peers.dir());

    assertThat(curl.exitCode()).as(curl.output()).isZero();
    assertThat(curl.output()).contains("220 smtp-sink ESMTP").contains("221");
    assertThat(sink.awaitSessionWithEhlo("curl.harness.example").clientAddress())
        .isEqualTo("127.0.0.7");
  }
}
