package dev.egresskit.mail.docs;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.embed.EgressKit;
import dev.egresskit.embed.EgressSocket;
import dev.egresskit.mail.EgressMail;
import dev.egresskit.transport.EgressConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Java examples of {@code docs/embedding.md}: each tagged region is shown there verbatim
 * ({@code EmbeddingDocTest} compares them) and run against real servers by that test.
 */
final class EmbeddingExamples {
  private EmbeddingExamples() {}

  /** Resolves a source and two pool picks; returns their names and EHLO names. */
  static List<String> facade(Path policyFile) {
    // tag::facade[]
    try (EgressKit kit = EgressKit.builder()
        .policy(policyFile)                          // policy.lua: the policy above
        .build()) {
      EgressSource ip1 = kit.source("ip-1");         // from the cache, or the policy's handler
      EgressSource first = kit.pool("pool-1").next();    // weighted round robin, health-aware
      EgressSource second = kit.pool("pool-1").next();
      return List.of(ip1.ehloDomain().orElseThrow(), first.name(), second.name());
    }
    // end::facade[]
  }

  /** Connects with Netty and returns the server's banner line. */
  static String nettyBanner(EgressKit kit, String host, int port) throws Exception {
    // tag::netty[]
    EgressConnection connection = kit.connect("ip-1", host, port)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);    // route handshake done
    CompletableFuture<String> banner = new CompletableFuture<>();
    connection.attach(new LineBasedFrameDecoder(1000), new SimpleChannelInboundHandler<ByteBuf>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
        banner.complete(line.toString(US_ASCII));          // "220 mx.example.net ESMTP"
        ctx.writeAndFlush(ctx.alloc().buffer().writeBytes("QUIT\r\n".getBytes(US_ASCII)));
      }
    });
    String greeting = banner.get(10, TimeUnit.SECONDS);
    // end::netty[]
    connection.closeAsync().await(5, TimeUnit.SECONDS);
    return greeting;
  }

  /** Talks SMTP over a blocking socket; returns the banner and the EHLO reply's first line. */
  static List<String> blockingSocket(EgressKit kit, String host, int port) throws Exception {
    // tag::socket[]
    try (EgressSocket socket = kit.openSocket("ip-1", host, port, Duration.ofSeconds(10))) {
      socket.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          US_ASCII));
      OutputStream out = socket.getOutputStream();
      String banner = in.readLine();                        // the server's 220, not the proxy's
      String ehlo = socket.source().ehloDomain().orElse("localhost");
      out.write(("EHLO " + ehlo + "\r\n").getBytes(US_ASCII));
      out.flush();
      String reply = in.readLine();                          // 250-...
      // end::socket[]
      while (in.readLine().startsWith("250-")) {
        // the rest of the EHLO reply
      }
      out.write("QUIT\r\n".getBytes(US_ASCII));
      out.flush();
      in.readLine();
      return List.of(banner, reply, socket.reportedSource().toString());
    }
  }

  /** The README's example: one message from an RFC 822 stream, through a pool. */
  static void readme(Path policyFile, String mx, int port, InputStream rfc822) throws Exception {
    // tag::readme[]
    try (EgressKit kit = EgressKit.builder().policy(policyFile).build()) {
      Properties props = new Properties();
      props.put("mail.smtp.host", mx);
      props.put("mail.smtp.port", Integer.toString(port));
      EgressMail.configure(props, kit, "pool-1");   // per connection: a pool pick, its EHLO name
      Transport.send(new MimeMessage(Session.getInstance(props), rfc822));
    }
    // end::readme[]
  }

  /** Sends one message with Jakarta Mail through a pool. */
  static void jakartaMail(EgressKit kit, String host, int port) throws Exception {
    // tag::mail[]
    Properties props = new Properties();
    props.put("mail.smtp.host", host);
    props.put("mail.smtp.port", Integer.toString(port));
    props.put("mail.smtp.connectiontimeout", "10000");   // connect + route handshake, ms
    props.put("mail.smtp.timeout", "10000");
    EgressMail.configure(props, kit, "pool-1");          // a pool, or one source's name
    Session session = Session.getInstance(props);

    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress("news@example.com"));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress("reader@example.net"));
    message.setSubject("Hello through an egress source");
    message.setText("Sent from a pool's source, greeting with that source's EHLO name.\n");
    Transport.send(message);                             // MessagingException on failure
    // end::mail[]
  }
}
