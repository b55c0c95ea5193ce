package dev.egresskit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.sink.SinkSession;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SOCKS5 client against the project's own KumoProxy-compatible server, end to end. */
class ThroughProjectProxyTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private ProjectProxyLab lab;

  @BeforeEach
  void start() {
    lab = new ProjectProxyLab(false);
  }

  @AfterEach
  void stop() {
    lab.close();
  }

  @Test
  void bindThenConnectMakesTheSinkSeeTheRequestedSourceAddress() throws Exception {
    ProbeResult result = lab.probe.probe(lab.source("127.0.0.6", "s3cret"), lab.sink.address(),
        Optional.empty(), TIMEOUT).get(20, TimeUnit.SECONDS);

    SinkSession session = lab.sink.awaitSessions(1, TIMEOUT).get(0);
    assertThat(session.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.6");
    assertThat(session.ehlo()).contains("mta.example.com");
    assertThat(result.protocol()).isEqualTo("socks5");
    assertThat(result.reportedSource().address().getAddress().getHostAddress())
        .isEqualTo("127.0.0.6");
  }

  @Test
  void plainConnectLetsTheProxyChooseItsOwnAddress() throws Exception {
    lab.probe.probe(lab.source(null, "s3cret"), lab.sink.address(), Optional.empty(), TIMEOUT)
        .get(20, TimeUnit.SECONDS);

    SinkSession session = lab.sink.awaitSessions(1, TIMEOUT).get(0);
    assertThat(session.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
  }

  @Test
  void aWrongPasswordIsRejectedWithoutLeakingIt() throws Exception {
    EgressSource source = lab.source("127.0.0.6", "wrong-password-42");
    assertThatThrownBy(() -> lab.probe.probe(source, lab.sink.address(), Optional.empty(), TIMEOUT).join())
        .isInstanceOf(CompletionException.class)
        .cause().isInstanceOfSatisfying(EgressConnectException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.PROXY_AUTH_REJECTED);
          assertThat(e.getMessage()).contains("SOCKS5 username/password was incorrect")
              .doesNotContain("wrong-password-42");
        });
    assertThat(lab.sink.sessions()).isEmpty();
  }

  @Test
  void anUnplumbedSourceOnTheProxyIsABindRejection() throws Exception {
    // 192.0.2.1 is only ever a bind address for the proxy: the bind fails, nothing is sent.
    EgressSource source = lab.source("192.0.2.1", "s3cret");
    assertThatThrownBy(() -> lab.probe.probe(source, lab.sink.address(), Optional.empty(), TIMEOUT).join())
        .cause().isInstanceOfSatisfying(EgressConnectException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.PROXY_BIND_REJECTED);
          assertThat(e.getMessage()).contains("The proxy server failed to bind 192.0.2.1");
        });
  }
}
