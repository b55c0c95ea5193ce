package dev.egresskit.mail;

import static dev.egresskit.mail.Peers.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import dev.egresskit.testkit.tls.TestCertificate;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** STARTTLS through every route of our own peers: Jakarta Mail layers TLS on the routed socket. */
class StartTlsTest {
  @TempDir Path dir;
  private TestCertificate certificate;
  private Peers peers;

  @BeforeEach
  void start() throws Exception {
    certificate = TestCertificate.generate(dir);
    peers = new Peers(dir, SmtpSink.builder().starttls(certificate.serverContext()).build()
        .start());
  }

  @AfterEach
  void stop() {
    peers.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"ip-1, mta1.example.com", "s5-bind, socks-bind.example.com",
      "s5-plain, socks-plain.example.com"})
  void theMessageTravelsInTlsAndTheSessionGreetsWithTheSourcesName(String source, String ehlo)
      throws Exception {
    Properties props = peers.props(source);
    props.put("mail.smtp.starttls.enable", "true");
    props.put("mail.smtp.starttls.required", "true");
    props.put("mail.smtp.ssl.socketFactory", certificate.clientContext().getSocketFactory());
    props.put("mail.smtp.ssl.checkserveridentity", "true");
    Transport.send(Peers.message(Session.getInstance(props), "tls via " + source));

    SinkSession seen = peers.sink.awaitSessions(1, WAIT).get(0);
    assertThat(seen.tls()).isTrue();
    assertThat(seen.ehlo()).contains(ehlo);
    assertThat(seen.messages()).singleElement()
        .satisfies(m -> assertThat(m.content()).contains("Subject: tls via " + source));
  }
}
