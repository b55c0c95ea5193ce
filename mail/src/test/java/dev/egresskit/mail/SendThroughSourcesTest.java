package dev.egresskit.mail;

import static dev.egresskit.mail.Peers.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jakarta Mail's Transport.send through each route, to our sink, checking what it saw. */
class SendThroughSourcesTest {
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

  private SinkSession send(String sourceOrPool, String subject) throws Exception {
    Session session = Session.getInstance(peers.props(sourceOrPool));
    Transport.send(Peers.message(session, subject));
    return peers.sink.awaitSessions(1, WAIT).get(0);
  }

  @Test
  void aDirectSourceSendsFromItsAddressWithItsEhloName() throws Exception {
    SinkSession seen = send("ip-1", "direct");

    assertThat(seen.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.2");
    assertThat(seen.ehlo()).contains("mta1.example.com");
    assertThat(seen.messages()).singleElement().satisfies(m -> {
      assertThat(m.mailFrom()).isEqualTo("sender@example.com");
      assertThat(m.recipients()).containsExactly("rcpt@example.net");
      assertThat(m.content()).contains("Subject: direct", "sent through an egress source");
    });
  }

  @Test
  void socks5BindThenConnectSendsFromTheBoundAddressWithCredentials() throws Exception {
    SinkSession seen = send("s5-bind", "socks bind");

    assertThat(seen.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.7");
    assertThat(seen.ehlo()).contains("socks-bind.example.com");
    assertThat(seen.messages()).singleElement()
        .satisfies(m -> assertThat(m.content()).contains("Subject: socks bind"));
  }

  @Test
  void plainSocks5ConnectSendsFromTheProxysChoiceOfAddress() throws Exception {
    SinkSession seen = send("s5-plain", "socks plain");

    assertThat(seen.ehlo()).contains("socks-plain.example.com");
    assertThat(seen.messages()).singleElement()
        .satisfies(m -> assertThat(m.content()).contains("Subject: socks plain"));
  }

  @Test
  void theSourcesRemotePortReplacesMailSmtpPort() throws Exception {
    Properties props = peers.props("other-port");
    props.put("mail.smtp.port", "25");
    Transport.send(Peers.message(Session.getInstance(props), "port"));

    SinkSession seen = peers.sink.awaitSessions(1, WAIT).get(0);
    assertThat(seen.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.5");
    assertThat(seen.ehlo()).contains("port.example.com");
  }

  @Test
  void withoutAnEhloDomainJakartaMailsOwnLocalhostSettingIsUsed() throws Exception {
    Properties props = peers.props("no-ehlo");
    props.put("mail.smtp.localhost", "app.example.org");
    Transport.send(Peers.message(Session.getInstance(props), "fallback"));

    SinkSession seen = peers.sink.awaitSessions(1, WAIT).get(0);
    assertThat(seen.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.4");
    assertThat(seen.ehlo()).contains("app.example.org");
  }

  @Test
  void aPoolPicksASourcePerConnectionAndEachConnectionGreetsWithItsSourcesName()
      throws Exception {
    Session session = Session.getInstance(peers.props("pool-1"));
    for (int i = 0; i < 3; i++) {
      Transport.send(Peers.message(session, "pool " + i));
    }

    List<SinkSession> seen = peers.sink.awaitSessions(3, WAIT);
    assertThat(seen).extracting(s -> s.peer().getAddress().getHostAddress() + " " + s.ehlo()
        .orElseThrow()).containsExactlyInAnyOrder("127.0.0.3 mta2.example.com",
        "127.0.0.2 mta1.example.com", "127.0.0.2 mta1.example.com");
  }

  @Test
  void oneTransportReconnectingTakesTheNextSourceOfThePool() throws Exception {
    Session session = Session.getInstance(peers.props("pool-1"));
    try (Transport transport = session.getTransport("smtp")) {
      assertThat(transport).isInstanceOf(EgressSmtpTransport.class);
      for (int i = 0; i < 2; i++) {
        transport.connect();
        var message = Peers.message(session, "again " + i);
        transport.sendMessage(message, message.getAllRecipients());
        transport.close();
      }
      assertThat(((EgressSmtpTransport) transport).source()).map(s -> s.name()).contains("ip-1");
    }

    assertThat(peers.sink.awaitSessions(2, WAIT)).extracting(s -> s.ehlo().orElseThrow())
        .containsExactlyInAnyOrder("mta2.example.com", "mta1.example.com");
  }

  @Test
  void aSessionNotConfiguredWithEgressMailKeepsAngusMailsOwnTransport() throws Exception {
    Properties plain = new Properties();
    plain.put("mail.smtp.host", "127.0.0.1");
    plain.put("mail.smtp.port", Integer.toString(peers.sink.address().getPort()));

    try (Transport transport = Session.getInstance(plain).getTransport("smtp")) {
      assertThat(transport.getClass()).isEqualTo(org.eclipse.angus.mail.smtp.SMTPTransport.class);
    }
    Transport.send(Peers.message(Session.getInstance(plain), "plain"));
    assertThat(peers.sink.awaitSessions(1, WAIT).get(0).peer().getAddress().getHostAddress())
        .isEqualTo("127.0.0.1");
  }
}
