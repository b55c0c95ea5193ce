package dev.egresskit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.embed.EgressKit;
import dev.egresskit.mail.EgressMail;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.sink.SmtpSink;
import dev.egresskit.testkit.tls.TestCertificate;
import dev.egresskit.transport.EgressConnectException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Jakarta Mail ({@code Transport.send}, Angus Mail) through every route to real peers: postfix
 * smtp-sink, HAProxy 2.6 with {@code usesrc clientip}, and our SOCKS5 proxy in both dialects;
 * checking the client address and EHLO name the server saw, and the message.
 */
@ExtendWith(PeerExtension.class)
class JakartaMailIT {
  private static final List<String> LOOPBACK_ONLY = List.of("127.0.0.0/8", "::1");
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** An EgressKit over a policy with one source per route, and the proxy it uses. */
  private record Kit(EgressKit kit, Socks5ProxyServer proxy) implements AutoCloseable {
    @Override
    public void close() {
      kit.close();
      proxy.close();
    }
  }

  private static Kit kit(Peers peers, HaproxyPeer haproxy) throws IOException {
    Socks5ProxyServer proxy = Socks5ProxyServer.builder()
        .listen(new InetSocketAddress("127.0.0.1", 0)).build().start();
    int closed;
    try (ServerSocket unused = new ServerSocket(0, 1, Ips.LOOPBACK_V4)) {
      closed = unused.getLocalPort();
    }
    String lua = """
        local sources = {
          ['direct'] = { source_address = '127.0.0.5', ehlo_domain = 'direct.mail.interop.example' },
          ['ha'] = { ha_proxy_server = 'USESRC', ha_proxy_source_address = '127.0.0.6',
                     ehlo_domain = 'ha.mail.interop.example' },
          ['s5-bind'] = { socks5_proxy_server = 'SOCKS', socks5_proxy_source_address = '127.0.0.7',
                          ehlo_domain = 'bind.mail.interop.example' },
          ['s5-plain'] = { socks5_proxy_server = 'SOCKS', ehlo_domain = 'plain.mail.interop.example' },
          ['ha-down'] = { ha_proxy_server = '127.0.0.1:CLOSED', ha_proxy_source_address = '127.0.0.6' },
        }
        kumo.on('get_egress_source', function(name)
          local fields = sources[name]
          fields.name = name
          return kumo.make_egress_source(fields)
        end)
        kumo.on('get_egress_pool', function(name)
          if name ~= 'pool-1' then
            error('no pool named ' .. name)
          end
          return kumo.make_egress_pool { name = name,
            entries = { { name = 'direct' }, { name = 'ha' } } }
        end)
        """.replace("USESRC", HaproxyPeer.literal(haproxy.usesrcFrontend()))
        .replace("SOCKS", "127.0.0.1:" + proxy.address().getPort())
        .replace("CLOSED", Integer.toString(closed));
    Path policy = peers.dir().resolve("mail-policy.lua");
    Files.writeString(policy, lua);
    return new Kit(EgressKit.builder().policy(policy).connectTimeout(WAIT).build(), proxy);
  }

  private static Properties props(EgressKit kit, String sourceOrPool, InetSocketAddress to) {
    Properties props = new Properties();
    props.put("mail.smtp.host", to.getAddress().getHostAddress());
    props.put("mail.smtp.port", Integer.toString(to.getPort()));
    props.put("mail.smtp.connectiontimeout", "10000");
    props.put("mail.smtp.timeout", "10000");
    return EgressMail.configure(props, kit, sourceOrPool);
  }

  private static void send(Properties props, String subject) throws MessagingException {
    Session session = Session.getInstance(props);
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress("sender@mail.interop.example"));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress("rcpt@sink.example"));
    message.setSubject(subject);
    message.setText("through an egress source\n");
    Transport.send(message);
  }

  @Test
  void everyRouteDeliversToSmtpSinkFromTheSourcesAddressWithItsEhloName(Peers peers)
      throws Exception {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    HaproxyPeer haproxy = peers.haproxy(Ips.LOOPBACK_V4, sink.address(), LOOPBACK_ONLY);
    try (Kit kit = kit(peers, haproxy)) {
      for (String source : List.of("direct", "ha", "s5-bind", "s5-plain")) {
        send(props(kit.kit(), source, sink.address()), "via " + source);
      }

      assertSession(sink, "direct.mail.interop.example", "127.0.0.5");
      assertSession(sink, "ha.mail.interop.example", "127.0.0.6");
      assertSession(sink, "bind.mail.interop.example", "127.0.0.7");
      assertSession(sink, "plain.mail.interop.example", "127.0.0.1");
      assertThat(haproxy.awaitSessionFrom("127.0.0.6:0").outSrc()).startsWith("127.0.0.6:");
    }
  }

  private static void assertSession(SmtpSinkPeer sink, String ehlo, String client) {
    SinkSession session = sink.awaitSessionWithEhlo(ehlo);
    assertThat(session.clientAddress()).isEqualTo(client);
    assertThat(session.commands()).contains("MAIL FROM:<sender@mail.interop.example>",
        "RCPT TO:<rcpt@sink.example>", "DATA", "QUIT");
  }

  @Test
  void aPoolGreetsWithThePickedSourcesNameOnEachConnection(Peers peers) throws Exception {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    HaproxyPeer haproxy = peers.haproxy(Ips.LOOPBACK_V4, sink.address(), LOOPBACK_ONLY);
    try (Kit kit = kit(peers, haproxy)) {
      Properties props = props(kit.kit(), "pool-1", sink.address());
      send(props, "first");
      send(props, "second");

      assertSession(sink, "direct.mail.interop.example", "127.0.0.5");
      assertSession(sink, "ha.mail.interop.example", "127.0.0.6");
    }
  }

  @Test
  void throughHaproxyUsesrcOurSinkReceivesTheMessageFromTheHeaderSource(Peers peers)
      throws Exception {
    TestCertificate certificate = TestCertificate.generate(peers.dir());
    try (SmtpSink ours = SmtpSink.builder().starttls(certificate.serverContext()).build().start()) {
      HaproxyPeer haproxy = peers.haproxy(Ips.LOOPBACK_V4, ours.address(), LOOPBACK_ONLY);
      try (Kit kit = kit(peers, haproxy)) {
        Properties props = props(kit.kit(), "ha", ours.address());
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.socketFactory", certificate.clientContext().getSocketFactory());
        send(props, "tls through haproxy");

        var session = ours.awaitSessions(1, WAIT).get(0);
        assertThat(session.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.6");
        assertThat(session.tls()).isTrue();
        assertThat(session.ehlo()).contains("ha.mail.interop.example");
        assertThat(session.messages()).singleElement().satisfies(m -> assertThat(m.content())
            .contains("Subject: tls through haproxy", "through an egress source"));
      }
    }
  }

  @Test
  void anHaproxyThatIsDownSurfacesAsMessagingExceptionWithProxyUnreachable(Peers peers)
      throws Exception {
    SmtpSinkPeer sink = peers.smtpSink(Ips.LOOPBACK_V4);
    HaproxyPeer haproxy = peers.haproxy(Ips.LOOPBACK_V4, sink.address(), LOOPBACK_ONLY);
    try (Kit kit = kit(peers, haproxy)) {
      Throwable thrown = catchThrowable(
          () -> send(props(kit.kit(), "ha-down", sink.address()), "never"));

      assertThat(thrown).isInstanceOf(MessagingException.class);
      assertThat(thrown.getCause()).isInstanceOfSatisfying(EgressConnectException.class,
          e -> assertThat(e.kind()).isEqualTo(FailureKind.PROXY_UNREACHABLE));
    }
  }
}
