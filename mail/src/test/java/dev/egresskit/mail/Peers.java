package dev.egresskit.mail;

import dev.egresskit.embed.EgressKit;
import dev.egresskit.proxy.ProxyCredentials;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.sink.SmtpSink;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
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

/**
 * The real parts the mail tests send through: our SMTP sink, our SOCKS5 proxy (RFC 1929 users,
 * BIND allowed only for 127.0.0.7), a port nothing listens on, and an EgressKit whose Lua policy
 * has one source per route and failure.
 */
final class Peers implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  final SmtpSink sink;
  final Socks5ProxyServer proxy;
  final EgressKit kit;

  Peers(Path dir, SmtpSink sink) throws IOException {
    this.sink = sink;
    ProxyCredentials users = ProxyCredentials.parse("test users",
        List.of(ProxyCredentials.hashLine("kumo", "s3cret".toCharArray(), 1000)));
    this.proxy = Socks5ProxyServer.builder().listen(new InetSocketAddress("127.0.0.1", 0))
        .credentials(users).requireAuth(true).allowSources(List.of("127.0.0.7/32")).build()
        .start();
    int closedPort;
    try (ServerSocket unused = new ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      closedPort = unused.getLocalPort();
    }
    String socks = "socks5_proxy_server = '127.0.0.1:" + proxy.address().getPort() + "',"
        + " socks5_proxy_username = 'kumo', socks5_proxy_password = { key_data = 's3cret' }";
    String lua = """
        local sources = {
          ['ip-1'] = { source_address = '127.0.0.2', ehlo_domain = 'mta1.example.com' },
          ['ip-2'] = { source_address = '127.0.0.3', ehlo_domain = 'mta2.example.com' },
          ['no-ehlo'] = { source_address = '127.0.0.4' },
          ['s5-bind'] = { SOCKS, socks5_proxy_source_address = '127.0.0.7',
                          ehlo_domain = 'socks-bind.example.com' },
          ['s5-plain'] = { SOCKS, ehlo_domain = 'socks-plain.example.com' },
          ['s5-refused'] = { SOCKS, socks5_proxy_source_address = '127.0.0.8' },
          ['proxy-down'] = { socks5_proxy_server = '127.0.0.1:CLOSED' },
          ['unplumbed'] = { source_address = '192.0.2.1',
                            suspend_when_unplumbed = { duration = '5m' } },
          ['other-port'] = { source_address = '127.0.0.5', ehlo_domain = 'port.example.com',
                             remote_port = SINK_PORT },
        }
        kumo.on('get_egress_source', function(name)
          local fields = sources[name]
          if fields == nil then
            error('no source named ' .. name)
          end
          fields.name = name
          return kumo.make_egress_source(fields)
        end)
        kumo.on('get_egress_pool', function(name)
          if name == 'pool-1' then
            return kumo.make_egress_pool { name = name,
              entries = { { name = 'ip-1', weight = 2 }, { name = 'ip-2', weight = 1 } } }
          end
          error('no pool named ' .. name)
        end)
        """.replace("SOCKS", socks).replace("CLOSED", Integer.toString(closedPort))
        .replace("SINK_PORT", Integer.toString(sink.address().getPort()));
    Path policy = dir.resolve("policy.lua");
    Files.writeString(policy, lua);
    this.kit = EgressKit.builder().policy(policy).connectTimeout(WAIT).eventLoopThreads(1)
        .build();
  }

  /** Properties for sending to the sink through {@code sourceOrPool}. */
  Properties props(String sourceOrPool) {
    Properties props = new Properties();
    props.put("mail.smtp.host", "127.0.0.1");
    props.put("mail.smtp.port", Integer.toString(sink.address().getPort()));
    props.put("mail.smtp.connectiontimeout", "10000");
    props.put("mail.smtp.timeout", "10000");
    return EgressMail.configure(props, kit, sourceOrPool);
  }

  /** A small text message in {@code session}. */
  static MimeMessage message(Session session, String subject) throws MessagingException {
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress("sender@example.com"));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress("rcpt@example.net"));
    message.setSubject(subject);
    message.setText("sent through an egress source\n");
    return message;
  }

  @Override
  public void close() {
    kit.close();
    proxy.close();
    sink.close();
  }
}
