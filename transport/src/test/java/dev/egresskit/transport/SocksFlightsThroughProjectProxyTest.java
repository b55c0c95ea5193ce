package dev.egresskit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.testkit.await.Await;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both SOCKS5 exchanges, one flight (the default) and lock-step, against the project's own
 * proxy: each succeeds, and a refusal at each step (method, auth, BIND, CONNECT) is reported as
 * that step's failure kind. Our proxy reads everything the client sent before it answers, so it
 * closes with a FIN, not a reset, and the refusing reply is always read.
 */
class SocksFlightsThroughProjectProxyTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private ProjectProxyLab lab;

  private void start(boolean lockstep) {
    lab = new ProjectProxyLab(lockstep);
  }

  @AfterEach
  void stop() {
    if (lab != null) {
      lab.close();
    }
  }

  private EgressConnectException failure(EgressSource source, InetSocketAddress destination) {
    Throwable t = Await.failure(lab.probe.probe(source, destination, Optional.empty(), TIMEOUT));
    assertThat(t).isInstanceOf(EgressConnectException.class);
    return (EgressConnectException) t;
  }

  @ParameterizedTest(name = "lockstep={0}")
  @ValueSource(booleans = {false, true})
  void bindThenConnectAndPlainConnectSucceed(boolean lockstep) throws Exception {
    start(lockstep);
    ProbeResult bound = Await.result(lab.probe.probe(lab.source("127.0.0.6", "s3cret"), lab.sink.address(),
        Optional.empty(), TIMEOUT));
    ProbeResult plain = Await.result(lab.probe.probe(lab.source(null, "s3cret"), lab.sink.address(),
        Optional.empty(), TIMEOUT));

    assertThat(bound.reportedSource().address().getAddress().getHostAddress())
        .isEqualTo("127.0.0.6");
    assertThat(bound.banner()).isNotEmpty();
    assertThat(plain.ehloReply()).isNotEmpty();
    assertThat(lab.sink.awaitSessions(2, TIMEOUT)).extracting(s -> s.peer().getAddress()
        .getHostAddress()).containsExactlyInAnyOrder("127.0.0.6", "127.0.0.1");
  }

  @ParameterizedTest(name = "lockstep={0}")
  @ValueSource(booleans = {false, true})
  void aRefusedMethodIsAnAuthRejection(boolean lockstep) throws Exception {
    start(lockstep);
    EgressConnectException e = failure(lab.source("127.0.0.6", null), lab.sink.address());
    assertThat(e.kind()).isEqualTo(FailureKind.PROXY_AUTH_REJECTED);
    assertThat(e.reason()).isEqualTo("incompatible SOCKS5 authentication NoAcceptableMethod");
  }

  @ParameterizedTest(name = "lockstep={0}")
  @ValueSource(booleans = {false, true})
  void refusedCredentialsAreAnAuthRejection(boolean lockstep) throws Exception {
    start(lockstep);
    EgressConnectException e = failure(lab.source("127.0.0.6", "wrong"), lab.sink.address());
    assertThat(e.kind()).isEqualTo(FailureKind.PROXY_AUTH_REJECTED);
    assertThat(e.reason()).isEqualTo("SOCKS5 username/password was incorrect");
  }

  @ParameterizedTest(name = "lockstep={0}")
  @ValueSource(booleans = {false, true})
  void aRefusedBindIsABindRejection(boolean lockstep) throws Exception {
    start(lockstep);
    EgressConnectException e = failure(lab.source("192.0.2.1", "s3cret"), lab.sink.address());
    assertThat(e.kind()).isEqualTo(FailureKind.PROXY_BIND_REJECTED);
    assertThat(e.reason()).startsWith("The proxy server failed to bind 192.0.2.1");
  }

  @ParameterizedTest(name = "lockstep={0}")
  @ValueSource(booleans = {false, true})
  void aRefusedConnectIsADestinationFailure(boolean lockstep) throws Exception {
    start(lockstep);
    InetSocketAddress closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = new InetSocketAddress(s.getInetAddress(), s.getLocalPort());
    }
    EgressConnectException e = failure(lab.source("127.0.0.6", "s3cret"), closed);
    assertThat(e.kind()).isEqualTo(FailureKind.DESTINATION_FAILED);
    assertThat(e.reason()).startsWith("failed to connect 127.0.0.6 -> " + "127.0.0.1:"
        + closed.getPort() + " via socks5 proxy");
  }
}
