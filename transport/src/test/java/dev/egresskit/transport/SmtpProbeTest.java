package dev.egresskit.transport;

import static dev.egresskit.transport.testing.Sources.direct;
import static dev.egresskit.transport.testing.Sources.ip;
import static dev.egresskit.transport.testing.Sources.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.grammar.IpLiterals;
import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.Route;
import dev.egresskit.sink.SinkScript;
import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import dev.egresskit.transport.testing.Await;
import dev.egresskit.transport.testing.RawServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SMTP probe end to end against the testkit sink and against misbehaving servers. */
class SmtpProbeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final EgressConnector connector = EgressConnector.builder().eventLoopThreads(1).build();
  private final SmtpProbe probe = SmtpProbe.builder(connector)
      .localHostName(() -> "fallback.host.test").build();

  @AfterEach
  void close() {
    connector.close();
  }

  private static EgressSource withEhlo(String name, String bind, String ehlo) {
    return source(name, Optional.ofNullable(ehlo), OptionalInt.empty(),
        new Route.Direct(Optional.of(ip(bind))));
  }

  @Test
  void probeReportsSourceBannerEhloReplyAndEveryPhaseTime() {
    try (SmtpSink sink = SmtpSink.builder().hostname("sink.test").build().start()) {
      ProbeResult r = Await.result(probe.probe(withEhlo("ip-5", "127.0.0.5", "mta5.example"),
          sink.address(), Optional.empty(), TIMEOUT));
      SinkSession session = sink.awaitSessions(1, TIMEOUT).get(0);
      assertThat(session.peer().getAddress()).isEqualTo(ip("127.0.0.5"));
      assertThat(session.ehlo()).contains("mta5.example");
      assertThat(session.commands()).containsExactly("EHLO mta5.example", "QUIT");
      assertThat(r.sourceName()).isEqualTo("ip-5");
      assertThat(r.ehloName()).isEqualTo("mta5.example");
      assertThat(r.localAddress()).isEqualTo(session.peer());
      assertThat(r.reportedSource().address()).isEqualTo(session.peer());
      assertThat(r.protocol()).isEqualTo("direct");
      assertThat(r.proxyCandidate()).isEmpty();
      assertThat(r.destination()).isEqualTo(sink.address());
      assertThat(r.banner()).hasSize(1).first().asString().startsWith("220 sink.test");
      assertThat(r.ehloReply().get(0)).startsWith("250-sink.test");
      assertThat(r.extensions()).contains("PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES");
      PhaseTimings t = r.timings();
      assertThat(t.resolveMicros()).isNotNegative();
      assertThat(t.connectMicros()).isPositive();
      assertThat(t.handshakeMicros()).isNotNegative();
      assertThat(t.bannerMicros()).isPositive();
      assertThat(t.ehloMicros()).isPositive();
      assertThat(t.totalMicros()).isLessThan(TIMEOUT.toNanos() / 1000);
    }
  }

  @Test
  void ehloNameIsTheOverrideThenEhloDomainThenTheLocalHostName() {
    try (SmtpSink sink = SmtpSink.builder().build().start()) {
      assertThat(Await.result(probe.probe(withEhlo("a", "127.0.0.2", "src.test"), sink.address(),
          Optional.of("path.test"), TIMEOUT)).ehloName()).isEqualTo("path.test");
      assertThat(Await.result(probe.probe(withEhlo("b", "127.0.0.2", "src.test"), sink.address(),
          Optional.empty(), TIMEOUT)).ehloName()).isEqualTo("src.test");
      assertThat(Await.result(probe.probe(withEhlo("c", "127.0.0.2", null), sink.address(),
          Optional.empty(), TIMEOUT)).ehloName()).isEqualTo("fallback.host.test");
      assertThat(sink.awaitSessions(3, TIMEOUT)).extracting(s -> s.ehlo().orElseThrow())
          .containsExactlyInAnyOrder("path.test", "src.test", "fallback.host.test");
    }
  }

  @Test
  void multiLineBannerAndEhloRepliesAreCollectedLineByLine() throws IOException {
    try (RawServer server = new RawServer("127.0.0.1", (s, in, out) -> {
      write(out, "220-first line\r\n220-second line\r\n220 third line\r\n");
      RawServer.readLine(in);
      write(out, "250-raw.test hello\r\n250-SIZE 100\r\n250 PIPELINING\r\n");
      RawServer.readLine(in);
      write(out, "221 bye\r\n");
    })) {
      ProbeResult r = Await.result(probe.probe(direct("m", "127.0.0.2"), server.address(),
          Optional.of("m.test"), TIMEOUT));
      assertThat(r.banner()).containsExactly("220-first line", "220-second line", "220 third line");
      assertThat(r.ehloReply()).containsExactly("250-raw.test hello", "250-SIZE 100",
          "250 PIPELINING");
      assertThat(r.extensions()).containsExactly("SIZE 100", "PIPELINING");
    }
  }

  @Test
  void rejectingBannerIsAnSmtpFailure() {
    try (SmtpSink sink = SmtpSink.builder()
        .script(SinkScript.normal().reply(SinkScript.BANNER, "554 5.7.1 go away")).build().start()) {
      EgressConnectException e = smtpFailure(direct("r", "127.0.0.2"), sink.address(), TIMEOUT);
      assertThat(e.reason()).isEqualTo("server rejected us while waiting for the banner: "
          + "554 5.7.1 go away");
    }
  }

  @Test
  void temporaryEhloRejectionIsAnSmtpFailure() {
    try (SmtpSink sink = SmtpSink.builder()
        .script(SinkScript.normal().reply("EHLO", "421 4.3.2 busy")).build().start()) {
      EgressConnectException e = smtpFailure(direct("t", "127.0.0.2"), sink.address(), TIMEOUT);
      assertThat(e.reason()).isEqualTo("server rejected us while waiting for the EHLO reply: "
          + "421 4.3.2 busy");
    }
  }

  @Test
  void serverClosingAfterEhloIsAnSmtpFailure() {
    try (SmtpSink sink = SmtpSink.builder()
        .script(SinkScript.normal().disconnect("EHLO")).build().start()) {
      EgressConnectException e = smtpFailure(direct("d", "127.0.0.2"), sink.address(), TIMEOUT);
      assertThat(e.reason())
          .isEqualTo("connection closed by the server while waiting for the EHLO reply");
    }
  }

  @Test
  void silentBannerFailsAtTheDeadline() {
    try (SmtpSink sink = SmtpSink.builder()
        .script(SinkScript.normal().silent(SinkScript.BANNER)).build().start()) {
      EgressConnectException e = smtpFailure(direct("s", "127.0.0.2"), sink.address(),
          Duration.ofMillis(300));
      assertThat(e.reason()).isEqualTo("timeout after 300ms while waiting for the banner");
    }
  }

  @Test
  void garbageInsteadOfABannerIsAnSmtpFailure() throws IOException {
    try (RawServer server = new RawServer("127.0.0.1",
        (s, in, out) -> write(out, "HELLO\u0007 THERE\r\n"))) {
      EgressConnectException e = smtpFailure(direct("g", "127.0.0.2"), server.address(), TIMEOUT);
      assertThat(e.reason())
          .isEqualTo("garbage from the server while waiting for the banner: \"HELLO? THERE\"");
    }
  }

  @Test
  void overlongReplyLineIsRefusedWithoutBufferingIt() throws IOException {
    try (RawServer server = new RawServer("127.0.0.1", (s, in, out) -> {
      write(out, "220 " + "x".repeat(50_000));
      in.transferTo(OutputStream.nullOutputStream());
    })) {
      EgressConnectException e = smtpFailure(direct("l", "127.0.0.2"), server.address(), TIMEOUT);
      assertThat(e.reason()).startsWith("reply line longer than the limit while waiting for the "
          + "banner");
    }
  }

  @Test
  void connectFailuresKeepTheirOwnKindThroughTheProbe() {
    EgressConnectException e = (EgressConnectException) Await.failure(probe.probe(
        direct("u", "192.0.2.1"), new InetSocketAddress(ip("127.0.0.1"), 2525), Optional.empty(),
        TIMEOUT));
    assertThat(e.kind()).isEqualTo(FailureKind.SOURCE_UNPLUMBED);
  }

  @Test
  void ehloNamesWithSpacesOrLineBreaksAreRejectedBeforeConnecting() {
    InetSocketAddress dest = new InetSocketAddress(ip("127.0.0.1"), 2525);
    assertThatThrownBy(() -> probe.probe(direct("x", "127.0.0.2"), dest,
        Optional.of("evil\r\nMAIL FROM:<a@b>"), TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the EHLO override").hasMessageContaining("evil??MAIL");
    assertThatThrownBy(() -> probe.probe(withEhlo("y", "127.0.0.2", "two words"), dest,
        Optional.empty(), TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ehlo_domain of source y");
    assertThat(connector.openChannels()).isZero();
  }

  private EgressConnectException smtpFailure(EgressSource source, InetSocketAddress destination,
      Duration timeout) {
    Throwable t = Await.failure(probe.probe(source, destination, Optional.empty(), timeout));
    assertThat(t).isInstanceOf(EgressConnectException.class);
    EgressConnectException e = (EgressConnectException) t;
    assertThat(e.kind()).isEqualTo(FailureKind.SMTP_FAILED);
    assertThat(e.getMessage()).startsWith("direct, no proxy => "
        + dev.egresskit.core.grammar.IpLiterals.format(destination) + ": ");
    Await.until(() -> connector.openChannels() == 0, TIMEOUT, "the channel is closed");
    return e;
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
