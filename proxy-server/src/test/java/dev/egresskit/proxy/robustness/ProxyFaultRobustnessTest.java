package dev.egresskit.proxy.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.proxy.ProxyRobustnessAccess;
import dev.egresskit.proxy.ProxyTimeouts;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.testkit.await.Await;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy over real loopback sockets facing hostile clients and failing destinations: every
 * bad connection ends with a counted reason in {@code proxy_connections_failed_total{reason}}
 * (or, once relaying, in {@code proxy_connections_completed_total}), no session stays open, and
 * a good client is relayed afterwards. Every address dialled is on loopback.
 */
class ProxyFaultRobustnessTest {
  private static final Duration SHORT = Duration.ofMillis(400);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  private Socks5ProxyServer proxy(ProxyTimeouts timeouts, boolean nativeTransport) {
    return keep(Socks5ProxyServer.builder().listen(new InetSocketAddress("127.0.0.1", 0))
        .meterRegistry(registry).timeouts(timeouts).nativeTransport(nativeTransport).build()
        .start());
  }

  private static ProxyTimeouts timeouts() {
    return ProxyTimeouts.defaults().withGreeting(SHORT).withAuth(SHORT).withRequest(SHORT)
        .withConnect(SHORT).withShutdown(Duration.ofSeconds(2));
  }

  private Socket connect(InetSocketAddress to) throws IOException {
    Socket s = keep(new Socket());
    s.setSoTimeout(15_000);
    s.connect(to, 10_000);
    return s;
  }

  private static byte[] connectRequest(InetSocketAddress destination) {
    byte[] ip = destination.getAddress().getAddress();
    return new byte[] {5, 1, 0, 1, ip[0], ip[1], ip[2], ip[3],
        (byte) (destination.getPort() >> 8), (byte) destination.getPort()};
  }

  /** A full session relayed to the echo server: the proxy still serves. */
  private void goodClientIsRelayed(Socks5ProxyServer proxy, RecordingEchoServer echo)
      throws IOException {
    try (Socket s = connect(proxy.address())) {
      OutputStream out = s.getOutputStream();
      out.write(new byte[] {5, 1, 0});
      out.write(connectRequest(echo.address()));
      byte[] payload = "good client payload".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      out.write(payload);
      s.shutdownOutput();
      byte[] all = readAll(s.getInputStream());
      assertThat(all).hasSize(12 + payload.length);
      assertThat(all[1]).isZero();
      assertThat(Arrays.copyOfRange(all, 12, all.length)).isEqualTo(payload);
    }
  }

  @ParameterizedTest(name = "native transport {0}")
  @ValueSource(booleans = {true, false})
  void aClientThatHalfClosesBeforeTheRelayStartsStillGetsTheWholeReply(boolean nativeTransport)
      throws Exception {
    RecordingEchoServer echo = keep(new RecordingEchoServer());
    Socks5ProxyServer proxy = proxy(ProxyTimeouts.defaults(), nativeTransport);
    for (boolean bind : new boolean[] {true, false}) {
      try (Socket s = connect(proxy.address())) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {5, 1, 0});
        if (bind) {
          out.writeBytes(new byte[] {5, 2, 0, 1, 127, 0, 0, 3, 0, 0});
        }
        out.writeBytes(connectRequest(echo.address()));
        out.writeBytes(new byte[100]);
        s.getOutputStream().write(out.toByteArray());
        s.shutdownOutput(); // FIN arrives while the proxy is still dialling
        assertThat(readAll(s.getInputStream())).hasSize((bind ? 22 : 12) + 100);
      }
    }
  }

  @Test
  void aDestinationThatRefusesIsAnsweredWithReply05AndCounted() throws Exception {
    RecordingEchoServer echo = keep(new RecordingEchoServer());
    Socks5ProxyServer proxy = proxy(timeouts(), true);
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    try (Socket s = connect(proxy.address())) {
      s.getOutputStream().write(new byte[] {5, 1, 0});
      s.getOutputStream().write(connectRequest(new InetSocketAddress("127.0.0.1", closedPort)));
      byte[] all = readAll(s.getInputStream());
      assertThat(all).hasSize(12);
      assertThat(all[3]).isEqualTo((byte) 5); // 05 00 | 05 05 00 01 ...
    }
    goodClientIsRelayed(proxy, echo);
    assertThat(drainedCounts(proxy)).containsEntry("connect_failed", 1.0).containsEntry("completed", 1.0);
  }

  @Test
  void aDestinationThatNeverAcceptsTimesOutWithReply06AndCounted() throws Exception {
    RecordingEchoServer echo = keep(new RecordingEchoServer());
    Socks5ProxyServer proxy = proxy(timeouts(), true);
    // A listener that never accepts, its backlog filled: further SYNs are dropped, so a
    // connect neither succeeds nor fails until the proxy's connect timeout.
    ServerSocket deaf = keep(new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")));
    for (int i = 0; i < 4; i++) {
      Socket filler = keep(new Socket());
      try {
        filler.connect(deaf.getLocalSocketAddress(), 200);
      } catch (IOException fullAlready) {
        break;
      }
    }
    long start = System.nanoTime();
    try (Socket s = connect(proxy.address())) {
      s.getOutputStream().write(new byte[] {5, 1, 0});
      s.getOutputStream().write(connectRequest((InetSocketAddress) deaf.getLocalSocketAddress()));
      byte[] all = readAll(s.getInputStream());
      assertThat(all).hasSize(12);
      assertThat(all[3]).isEqualTo((byte) 6);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    goodClientIsRelayed(proxy, echo);
    assertThat(drainedCounts(proxy)).containsEntry("connect_timeout", 1.0);
  }

  @Test
  void aDestinationThatResetsMidRelayEndsTheSessionPromptlyAndCountsIt() throws Exception {
    RecordingEchoServer echo = keep(new RecordingEchoServer());
    Socks5ProxyServer proxy = proxy(timeouts(), true);
    ServerSocket resetter = keep(new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1")));
    CompletableFuture<Integer> destinationRead = CompletableFuture.supplyAsync(() -> {
      try (Socket d = resetter.accept()) {
        byte[] first = d.getInputStream().readNBytes(1000);
        d.getOutputStream().write(new byte[500]);
        d.setSoLinger(true, 0); // RST, mid-relay
        return first.length;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    try (Socket s = connect(proxy.address())) {
      s.getOutputStream().write(new byte[] {5, 1, 0});
      s.getOutputStream().write(connectRequest((InetSocketAddress) resetter.getLocalSocketAddress()));
      s.getOutputStream().write(new byte[1000]);
      assertThat(destinationRead.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
      // The client sees the end of the relay (EOF or reset), not a hang.
      byte[] got = readAll(s.getInputStream());
      assertThat(got.length).isBetween(12, 12 + 500);
    }
    goodClientIsRelayed(proxy, echo);
    Map<String, Double> counts = drainedCounts(proxy);
    assertThat(counts).containsEntry("completed", 2.0);
    assertThat(counts.getOrDefault(ProxyRobustnessAccess.BYTES_UP, 0.0)).isGreaterThanOrEqualTo(1000);
  }

  @Test
  void aSlowlorisGreetingIsCutOffAtTheGreetingTimeout() throws Exception {
    RecordingEchoServer echo = keep(new RecordingEchoServer());
    Socks5ProxyServer proxy = proxy(timeouts(), true);
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    try {
      Socket s = connect(proxy.address());
      OutputStream out = s.getOutputStream();
      // 05 FF then up to 255 methods, one byte every 20 ms: about 5 s if never cut off.
      byte[] greeting = new byte[257];
      greeting[0] = 5;
      greeting[1] = (byte) 0xFF;
      AtomicInteger sent = new AtomicInteger();
      CompletableFuture<Void> cut = new CompletableFuture<>();
      ScheduledFuture<?> drip = clock.scheduleAtFixedRate(() -> {
        int i = sent.get();
        if (i >= greeting.length) {
          cut.completeExceptionally(new AssertionError("whole greeting sent, never cut off"));
          throw new IllegalStateException("done");
        }
        try {
          out.write(greeting[i]);
          sent.incrementAndGet();
        } catch (IOException closed) {
          cut.complete(null);
          throw new IllegalStateException("closed by the proxy");
        }
      }, 0, 20, TimeUnit.MILLISECONDS);
      assertThat(readAll(s.getInputStream())).isEmpty(); // closed without a reply
      drip.cancel(false);
      assertThat(sent.get()).isGreaterThan(3).isLessThan(greeting.length);
    } finally {
      clock.shutdownNow();
      assertThat(clock.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
    goodClientIsRelayed(proxy, echo);
    assertThat(drainedCounts(proxy)).containsEntry("greeting_timeout", 1.0);
  }

  @Test
  void aThousandHalfOpenClientsAreClosedByThePhaseTimeoutsWhileAGoodClientIsRelayed()
      throws Exception {
    RecordingEchoServer echo = keep(new RecordingEchoServer());
    Socks5ProxyServer proxy = proxy(timeouts().withGreeting(Duration.ofSeconds(2))
        .withRequest(Duration.ofSeconds(2)), true);
    goodClientIsRelayed(proxy, echo); // warm up before the fd baseline
    long fdsBefore = JvmResources.openFds();
    List<Socket> halfOpen = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      Socket s = new Socket();
      s.connect(proxy.address(), 10_000);
      halfOpen.add(s);
      switch (i % 3) {
        case 0 -> { } // connects, says nothing
        case 1 -> s.getOutputStream().write(new byte[] {5}); // a partial greeting
        default -> s.getOutputStream().write(new byte[] {5, 1, 0, 5, 1}); // a partial request
      }
    }
    try {
      goodClientIsRelayed(proxy, echo); // served while a thousand hang
      assertThat(Await.until(() -> failed(null) >= 1000, Duration.ofSeconds(20))).isTrue();
      assertThat(failed("greeting_timeout")).isEqualTo(667);
      assertThat(failed("request_timeout")).isEqualTo(333);
      for (Socket s : halfOpen) {
        s.setSoTimeout(10_000);
        byte[] got = readAll(s.getInputStream()); // EOF from the proxy, not a hang
        assertThat(got.length).isIn(0, 2);
      }
    } finally {
      for (Socket s : halfOpen) {
        s.close();
      }
    }
    assertThat(Await.until(() -> active() == 0, Duration.ofSeconds(10))).isTrue();
    assertThat(JvmResources.openFds()).isLessThanOrEqualTo(fdsBefore + 16);
  }

  @Test
  void abruptResetsInEveryPhaseAreCountedAndTheProxyKeepsServing() throws Exception {
    RecordingEchoServer echo = keep(new RecordingEchoServer());
    Socks5ProxyServer proxy = proxy(timeouts(), true);
    int clients = 200;
    for (int i = 0; i < clients; i++) {
      Socket s = new Socket();
      s.setSoTimeout(10_000);
      s.connect(proxy.address(), 10_000);
      s.setSoLinger(true, 0);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      switch (i % 4) {
        case 0 -> { } // reset straight after connect
        case 1 -> { // after the method reply
          out.write(new byte[] {5, 1, 0});
          in.readNBytes(2);
        }
        case 2 -> { // in the middle of the request
          out.write(new byte[] {5, 1, 0, 5, 1, 0, 1, 127});
          in.readNBytes(2);
        }
        default -> { // in the middle of a relay
          out.write(new byte[] {5, 1, 0});
          out.write(connectRequest(echo.address()));
          in.readNBytes(12);
          out.write(new byte[4096]);
          in.readNBytes(100);
        }
      }
      s.close();
    }
    goodClientIsRelayed(proxy, echo);
    Map<String, Double> counts = drainedCounts(proxy);
    double failedTotal = counts.entrySet().stream().filter(e -> e.getKey().startsWith("failed:"))
        .mapToDouble(Map.Entry::getValue).sum();
    assertThat(counts.get("accepted")).isEqualTo(clients + 1.0);
    assertThat(failedTotal + counts.get("completed")).isEqualTo(clients + 1.0);
    assertThat(counts.get("completed")).isEqualTo(clients / 4 + 1.0);
    assertThat(counts.get("active")).isZero();
  }

  @Test
  void fiveHundredRandomByteStreamsOverLoopbackEndCountedAndTheProxyKeepsServing()
      throws Exception {
    // Auth required, and the one user's password is 40 characters no random stream will send:
    // no request is ever reached, so the random input can never make the proxy dial anything.
    Socks5ProxyServer proxy = keep(Socks5ProxyServer.builder()
        .listen(new InetSocketAddress("127.0.0.1", 0)).meterRegistry(registry)
        .credentials(ProxyRobustnessAccess.fastCredentials("alice",
            "Vq8#pL2@zR5!mK9$wT4%nB7^hJ3&cX6*dF1(gY0)"))
        .requireAuth(true).timeouts(timeouts()).build().start());
    SplittableRandom random = new SplittableRandom(7);
    int clients = 500;
    List<Socket> lingering = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Socket s = new Socket();
      s.connect(proxy.address(), 10_000);
      byte[] junk = Socks5FuzzRobustnessTest.bytes(random, random.nextInt(1, 600));
      if (i % 2 == 0) {
        junk[0] = 5; // a plausible version byte, so the later parsers get a turn
      }
      try {
        s.getOutputStream().write(junk);
      } catch (SocketException closedAlready) {
        // the proxy may have refused and closed first
      }
      if (i % 3 == 0) {
        s.close();
      } else {
        lingering.add(s); // left for the phase timeouts
      }
    }
    try {
      assertThat(Await.until(() -> failed(null) >= clients, Duration.ofSeconds(20))).isTrue();
    } finally {
      for (Socket s : lingering) {
        s.close();
      }
    }
    assertThat(failed(null)).isEqualTo(clients);
    assertThat(failed("no_acceptable_method") + failed("protocol_error")).isPositive();
    assertThat(sum(ProxyRobustnessAccess.COMPLETED)).isZero();
    proxy.close();
    assertThat(counts().get("accepted")).isEqualTo(clients);
  }

  // ---- meters ----

  private double failed(String reason) {
    double sum = 0;
    for (Counter c : Search.in(registry).name(ProxyRobustnessAccess.FAILED).counters()) {
      if (reason == null || reason.equals(c.getId().getTag("reason"))) {
        sum += c.count();
      }
    }
    return sum;
  }

  private double active() {
    return registry.get(ProxyRobustnessAccess.ACTIVE).gauge().value();
  }

  /** Closes the proxy (which drains, so every session is counted) and reads the meters. */
  private Map<String, Double> drainedCounts(Socks5ProxyServer proxy) {
    proxy.close();
    return counts();
  }

  private Map<String, Double> counts() {
    Map<String, Double> counts = new TreeMap<>();
    for (Counter c : Search.in(registry).name(ProxyRobustnessAccess.FAILED).counters()) {
      if (c.count() > 0) {
        counts.put(c.getId().getTag("reason"), c.count());
        counts.put("failed:" + c.getId().getTag("reason"), c.count());
      }
    }
    counts.put("accepted", sum(ProxyRobustnessAccess.ACCEPTED));
    counts.put("completed", sum(ProxyRobustnessAccess.COMPLETED));
    counts.put(ProxyRobustnessAccess.BYTES_UP, sum(ProxyRobustnessAccess.BYTES_UP));
    counts.put("active", active());
    return counts;
  }

  private double sum(String name) {
    return Search.in(registry).name(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        all.write(buf, 0, n);
      }
    } catch (SocketException reset) {
      // a reset ends the stream too
    }
    return all.toByteArray();
  }

}
