package dev.egresskit.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.resolve.ResolutionException;
import dev.egresskit.sink.SmtpSink;
import dev.egresskit.transport.EgressConnectException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures surface as MessagingException caused by EgressKit's exception, with its kind. */
class SendFailuresTest {
  @TempDir Path dir;
  private Peers peers;

  @BeforeEach
  void start() throws Exception {
    peers = new Peers(dir, SmtpSink.builder().build().start());
  }

  @AfterEach
  void stop() {
    peers.close();
  }

  private FailureKind failureOf(String source) {
    Session session = Session.getInstance(peers.props(source));
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
        () -> Transport.send(Peers.message(session, "fails")));
    assertThat(thrown).isInstanceOf(MessagingException.class)
        .hasMessageContaining("egress source " + source);
    assertThat(thrown.getCause()).isInstanceOf(EgressConnectException.class);
    return ((EgressConnectException) thrown.getCause()).kind();
  }

  @Test
  void aProxyThatIsDownIsProxyUnreachable() {
    assertThat(failureOf("proxy-down")).isEqualTo(FailureKind.PROXY_UNREACHABLE);
    assertThat(peers.sink.sessions()).isEmpty();
  }

  @Test
  void aBindTheProxyRefusesIsProxyBindRejected() {
    assertThat(failureOf("s5-refused")).isEqualTo(FailureKind.PROXY_BIND_REJECTED);
  }

  @Test
  void anUnplumbedSourceIsRecordedInHealthAndThenSuspended() {
    assertThat(failureOf("unplumbed")).isEqualTo(FailureKind.SOURCE_UNPLUMBED);
    assertThat(peers.kit.health().suspendedUntil("unplumbed")).isPresent();

    assertThat(failureOf("unplumbed")).isEqualTo(FailureKind.SOURCE_SUSPENDED);
  }

  @Test
  void aNameThePolicyDoesNotKnowIsRefusedWhenConfiguring() {
    assertThatThrownBy(() -> peers.props("nobody"))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("no source named nobody");
  }

  @Test
  void propertiesThatWouldBypassTheRouteAreRefused() {
    Properties props = new Properties();
    props.put("mail.smtp.localaddress", "127.0.0.9");
    props.put("mail.smtps.socks.host", "127.0.0.1");

    assertThatThrownBy(() -> EgressMail.configure(props, peers.kit, "ip-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mail.smtp.localaddress")
        .hasMessageContaining("mail.smtps.socks.host");
  }
}
