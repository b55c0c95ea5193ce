package dev.egresskit.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.resolve.ResolutionException;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.sink.SinkSession;
import dev.egresskit.sink.SmtpSink;
import dev.egresskit.transport.EgressConnectException;
import dev.egresskit.transport.EgressConnection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade against real sockets: our SMTP sink and our SOCKS5 proxy on loopback. */
class EgressKitTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private SmtpSink sink;
  private Socks5ProxyServer proxy;
  private EgressKit kit;

  @BeforeEach
  void start() {
    sink = SmtpSink.builder().build().start();
    proxy = Socks5ProxyServer.builder().listen(new InetSocketAddress("127.0.0.1", 0)).build()
        .start();
    kit = EgressKit.builder().policy(TestPolicy.write(dir, proxy.address()))
        .connectTimeout(TIMEOUT).eventLoopThreads(1).build();
  }

  @AfterEach
  void stop() {
    kit.close();
    proxy.close();
    sink.close();
  }

  @Test
  void aSourceIsResolvedOnceAndThenServedFromTheCache() {
    EgressSource first = kit.source("ip-1");

    assertThat(first.ehloDomain()).contains("mta1.example.com");
    assertThat(first.sourceAddress().orElseThrow().getHostAddress()).isEqualTo("127.0.0.2");
    assertThat(kit.source("ip-1")).isSameAs(first);
  }

  @Test
  void aPoolPicksByWeightedRoundRobin() {
    SourcePicker pool = kit.pool("pool-1");
    List<String> picked = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      picked.add(pool.next().name());
    }

    // KumoMTA's weighted round robin (spec §7.3) for weights 2 and 1.
    assertThat(picked).containsExactly("ip-2", "ip-1", "ip-1", "ip-2", "ip-1", "ip-1");
  }

  @Test
  void aSourceWhoseAddressIsNotOnThisMachineFailsUnplumbedAndThePoolSkipsIt() throws Exception {
    assertThatThrownBy(() -> kit.openSocket("unplumbed", "127.0.0.1", sink.address().getPort(),
        TIMEOUT))
        .isInstanceOfSatisfying(EgressConnectException.class,
            e -> assertThat(e.kind()).isEqualTo(FailureKind.SOURCE_UNPLUMBED));

    assertThat(kit.health().suspendedUntil("unplumbed")).isPresent();
    SourcePicker flaky = kit.pool("flaky");
    assertThat(List.of(flaky.next().name(), flaky.next().name())).containsOnly("ip-2");
    assertThatThrownBy(() -> kit.connect("unplumbed", "127.0.0.1", 25).toCompletableFuture()
        .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(EgressConnectException.class,
            e -> assertThat(e.kind()).isEqualTo(FailureKind.SOURCE_SUSPENDED));
  }

  @Test
  void connectHandsOverANettyConnectionFromTheSourceAddress() throws Exception {
    EgressConnection connection = kit.connect("ip-1", "127.0.0.1", sink.address().getPort())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      assertThat(connection.source().name()).isEqualTo("ip-1");
      assertThat(connection.localAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.2");
    } finally {
      connection.closeAsync().await(5, TimeUnit.SECONDS);
    }

    SinkSession seen = sink.awaitSessions(1, TIMEOUT).get(0);
    assertThat(seen.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.2");
  }

  @Test
  void openSocketReturnsASocketReadyForSmtpFromTheSourceAddress() throws Exception {
    try (Socket socket = kit.openSocket("ip-1", "127.0.0.1", sink.address().getPort(), TIMEOUT)) {
      talkSmtp(socket, "mta1.example.com");
      assertThat(socket.getLocalAddress().getHostAddress()).isEqualTo("127.0.0.2");
      assertThat(socket.getPort()).isEqualTo(sink.address().getPort());
    }

    SinkSession seen = sink.awaitSessions(1, TIMEOUT).get(0);
    assertThat(seen.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.2");
    assertThat(seen.ehlo()).contains("mta1.example.com");
    assertThat(seen.endReason()).isEqualTo("QUIT");
  }

  @Test
  void openSocketGoesThroughOurSocks5ProxyInBothDialects() throws Exception {
    try (EgressSocket bind = kit.openSocket("s5-bind", "127.0.0.1", sink.address().getPort(),
        TIMEOUT)) {
      talkSmtp(bind, "socks-bind.example.com");
      assertThat(bind.reportedSource().protocol()).isEqualTo("socks5");
    }
    try (EgressSocket plain = kit.openSocket("s5-plain", "127.0.0.1", sink.address().getPort(),
        TIMEOUT)) {
      talkSmtp(plain, "socks-plain.example.com");
    }

    List<SinkSession> seen = sink.awaitSessions(2, TIMEOUT);
    assertThat(seen).extracting(s -> s.ehlo().orElseThrow())
        .containsExactlyInAnyOrder("socks-bind.example.com", "socks-plain.example.com");
    SinkSession viaBind = seen.stream()
        .filter(s -> s.ehlo().orElseThrow().equals("socks-bind.example.com")).findFirst()
        .orElseThrow();
    assertThat(viaBind.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.7");
  }

  @Test
  void remotePortReplacesTheDestinationPort() throws Exception {
    kit.close();
    kit = EgressKit.builder().policy(TestPolicy.write(dir, proxy.address(),
        sink.address().getPort())).build();

    try (Socket socket = kit.openSocket("port-2", "127.0.0.1", 25, TIMEOUT)) {
      talkSmtp(socket, "anything.example");
    }

    assertThat(sink.awaitSessions(1, TIMEOUT).get(0).peer().getAddress().getHostAddress())
        .isEqualTo("127.0.0.2");
  }

  @Test
  void anUnconnectedSocketTakesTheNextSourceOfThePoolWhenConnected() throws Exception {
    SourcePicker pool = kit.pool("pool-1");
    List<String> used = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try (EgressSocket socket = kit.newSocket(pool)) {
        assertThat(socket.isConnected()).isFalse();
        socket.setSoTimeout(10_000);
        socket.connect(sink.address(), 10_000);
        used.add(socket.source().name());
        assertThat(socket.getSoTimeout()).isEqualTo(10_000);
        talkSmtp(socket, socket.source().ehloDomain().orElseThrow());
      }
    }

    assertThat(used).containsExactly("ip-2", "ip-1", "ip-1");
    assertThat(sink.awaitSessions(3, TIMEOUT)).extracting(s -> s.peer().getAddress()
        .getHostAddress()).containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3", "127.0.0.2");
  }

  @Test
  void aNameIsTakenAsAPoolWhenThePolicyHasSuchAPoolAndAsASourceOtherwise() {
    assertThat(kit.picker("pool-1")).isInstanceOf(PoolPicker.class);
    assertThat(kit.picker("ip-2").next().name()).isEqualTo("ip-2");
    assertThatThrownBy(() -> kit.picker("nothing"))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("no source named nothing")
        .satisfies(e -> assertThat(e.getSuppressed()[0].getMessage())
            .contains("no pool named nothing"));
  }

  @Test
  void aDestinationWithNoAddressOfTheSourcesFamilyIsAnUnknownHost() {
    assertThatThrownBy(() -> kit.openSocket("ip-1", "::1", 25, TIMEOUT))
        .isInstanceOf(java.net.UnknownHostException.class)
        .hasMessageContaining("::1 has no IPv4 address for source ip-1 (which presents 127.0.0.2)");
  }

  @Test
  void anUnconnectedSocketGivenANameResolvedToTheOtherFamilyLooksItUpAgainForTheSource()
      throws Exception {
    // What Jakarta Mail does: new InetSocketAddress(host, port) keeps the first address only.
    java.net.InetAddress v6 = java.net.InetAddress.getByName("::1");
    InetSocketAddress given = new InetSocketAddress(
        java.net.InetAddress.getByAddress("127.0.0.1", v6.getAddress()), sink.address().getPort());
    try (EgressSocket socket = kit.newSocket(kit.sourcePicker("ip-1"))) {
      socket.connect(given, 10_000);
      talkSmtp(socket, "mta1.example.com");
    }

    assertThat(sink.awaitSessions(1, TIMEOUT).get(0).peer().getAddress().getHostAddress())
        .isEqualTo("127.0.0.2");
  }

  @Test
  void aSourceThePolicyCannotMakeFailsWithTheScriptsError() {
    assertThatThrownBy(() -> kit.source("nope"))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("get_egress_source 'nope'")
        .hasMessageContaining("no source named nope");
  }

  /** Reads the banner, greets with {@code ehlo}, quits; asserts the replies' codes. */
  static void talkSmtp(Socket socket, String ehlo) throws Exception {
    BufferedReader in = new BufferedReader(
        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    OutputStream out = socket.getOutputStream();
    assertThat(in.readLine()).startsWith("220 ");
    out.write(("EHLO " + ehlo + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String line;
    do {
      line = in.readLine();
      assertThat(line).startsWith("250");
    } while (line.startsWith("250-"));
    out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    assertThat(in.readLine()).startsWith("221 ");
  }
}
