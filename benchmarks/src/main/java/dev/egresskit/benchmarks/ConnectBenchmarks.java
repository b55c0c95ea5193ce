package dev.egresskit.benchmarks;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.HealthRules;
import dev.egresskit.core.model.ProxyServer;
import dev.egresskit.core.model.Route;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.sink.ProxyProtocolMode;
import dev.egresskit.sink.SmtpSink;
import dev.egresskit.transport.EgressConnector;
import dev.egresskit.transport.ProbeResult;
import dev.egresskit.transport.SmtpProbe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Connection setup on loopback, one complete banner / EHLO / QUIT exchange per operation, to
 * in-process servers: the SMTP sink, a second sink that requires a PROXY header (standing in for
 * HAProxy) and the project's SOCKS5 proxy. The baseline does the same exchange with a blocking
 * {@link Socket}. {@link SuiteRunner} runs the suite at 1 and 16 threads (concurrent setups).
 *
 * <p>The parameters {@code sink} and {@code socks} point the suite at servers already running
 * instead ({@code -p sink=127.0.0.1:2525 -p socks=127.0.0.1:1080}; default {@value
 * ConnectTarget#IN_PROCESS}), so it can be compared with {@code bench connect} at the same
 * servers; then the in-process sink or proxy is not started. {@code haproxy} always uses its own
 * in-process sink, as only it reads the PROXY header. {@code eventLoops} sets the connector's
 * event-loop threads (default 0, Netty's choice; {@code bench connect} uses 2).
 *
 * <p>The plain benchmarks block the JMH thread on every setup (two thread hand-offs each, which
 * {@code bench connect} does not pay); the {@code ...Chained} ones run {@link #CHAIN} setups
 * back to back, each started from the previous one's completion on the event loop, and block
 * once per chain, as {@code bench connect} does, so the two measure the same thing.
 */
@State(Scope.Benchmark)
public class ConnectBenchmarks extends BenchmarkDefaults {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String EHLO = "bench.example";
  /** Setups one chained operation runs back to back. */
  static final int CHAIN = 32;

  /** {@value ConnectTarget#IN_PROCESS} or HOST:PORT of a running SMTP sink. */
  @Param(ConnectTarget.IN_PROCESS)
  public String sink;

  /** {@value ConnectTarget#IN_PROCESS} or HOST:PORT of a running SOCKS5 proxy. */
  @Param(ConnectTarget.IN_PROCESS)
  public String socks;

  /** The connector's event-loop threads; 0 lets Netty choose. */
  @Param("0")
  public int eventLoops;

  /** The in-process sink, when {@link #sink} asks for one. */
  private SmtpSink ownSink;
  private SmtpSink proxyAwareSink;
  /** The in-process proxy, when {@link #socks} asks for one. */
  private Socks5ProxyServer ownProxy;
  private EgressConnector connector;
  private SmtpProbe probe;
  private InetSocketAddress destination;
  private EgressSource direct;
  private EgressSource directBound;
  private EgressSource haproxy;
  private EgressSource socks5Bind;
  private EgressSource socks5Connect;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Optional<InetSocketAddress> externalSink = ConnectTarget.parse("sink", sink);
    Optional<InetSocketAddress> externalProxy = ConnectTarget.parse("socks", socks);
    if (eventLoops < 0) {
      throw new IllegalArgumentException(
          "ConnectBenchmarks parameter 'eventLoops': expected 0 (Netty's choice) or more, got "
              + eventLoops);
    }
    if (externalSink.isEmpty()) {
      ownSink = SmtpSink.builder().threads(2).keepSessions(0).build().start();
    }
    proxyAwareSink = SmtpSink.builder().threads(2).keepSessions(0)
        .proxyProtocol(ProxyProtocolMode.REQUIRED).build().start();
    if (externalProxy.isEmpty()) {
      ownProxy = Socks5ProxyServer.builder().listen(new InetSocketAddress("127.0.0.1", 0))
          .build().start();
    }
    connector = EgressConnector.builder().eventLoopThreads(eventLoops).build();
    probe = SmtpProbe.create(connector);
    destination = externalSink.orElseGet(() -> ownSink.address());
    InetSocketAddress socksAddress = externalProxy.orElseGet(() -> ownProxy.address());
    ProxyServer proxyAddress = new ProxyServer.IpLiteral(socksAddress.getAddress(),
        socksAddress.getPort());
    direct = source("direct", new Route.Direct(Optional.empty()));
    directBound = source("direct-bound", new Route.Direct(Optional.of(ip("127.0.0.2"))));
    haproxy = source("haproxy", new Route.HaProxy(new ProxyServer.IpLiteral(
        proxyAwareSink.address().getAddress(), proxyAwareSink.address().getPort()),
        ip("127.0.0.3"), Optional.empty()));
    socks5Bind = source("socks5-bind", new Route.Socks5(proxyAddress,
        Optional.of(ip("127.0.0.4")), Optional.empty(), Optional.empty()));
    socks5Connect = source("socks5-connect", new Route.Socks5(proxyAddress, Optional.empty(),
        Optional.empty(), Optional.empty()));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    connector.close();
    if (ownProxy != null) {
      ownProxy.close();
    }
    proxyAwareSink.close();
    if (ownSink != null) {
      ownSink.close();
    }
  }

  private static EgressSource source(String name, Route route) {
    return new EgressSource(name, Optional.of(EHLO), OptionalInt.empty(),
        EgressSource.DEFAULT_TTL, HealthRules.NONE, route);
  }

  private static InetAddress ip(String literal) throws IOException {
    return InetAddress.getByName(literal);
  }

  private ProbeResult probe(EgressSource source) {
    return probe.probe(source, destination, Optional.empty(), TIMEOUT).join();
  }

  private int chain(EgressSource source) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    step(source, CHAIN, done);
    return done.join();
  }

  private void step(EgressSource source, int left, CompletableFuture<Integer> done) {
    probe.probe(source, destination, Optional.empty(), TIMEOUT).whenComplete((result, failure) -> {
      if (failure != null) {
        done.completeExceptionally(failure);
      } else if (left == 1) {
        done.complete(CHAIN);
      } else {
        step(source, left - 1, done);
      }
    });
  }

  @Benchmark
  @OperationsPerInvocation(CHAIN)
  public int directChained() {
    return chain(direct);
  }

  @Benchmark
  @OperationsPerInvocation(CHAIN)
  public int socks5ConnectChained() {
    return chain(socks5Connect);
  }

  @Benchmark
  @OperationsPerInvocation(CHAIN)
  public int socks5BindThenConnectChained() {
    return chain(socks5Bind);
  }

  @Benchmark
  public ProbeResult direct() {
    return probe(direct);
  }

  @Benchmark
  public ProbeResult directBound() {
    return probe(directBound);
  }

  @Benchmark
  public ProbeResult haproxy() {
    return probe(haproxy);
  }

  @Benchmark
  public ProbeResult socks5BindThenConnect() {
    return probe(socks5Bind);
  }

  @Benchmark
  public ProbeResult socks5Connect() {
    return probe(socks5Connect);
  }

  /** The same exchange with a plain blocking socket: the floor every route is compared with. */
  @Benchmark
  public String blockingSocketBaseline() throws IOException {
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      socket.connect(destination, (int) TIMEOUT.toMillis());
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      expect(in, "220");
      out.write(("EHLO " + EHLO + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String last = expect(in, "250");
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      expect(in, "221");
      return last;
    }
  }

  /** Reads one possibly multi-line reply and checks its code. */
  private static String expect(BufferedReader in, String code) throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null || !line.startsWith(code)) {
        throw new IOException("expected " + code + ", got " + line);
      }
    } while (line.length() > 3 && line.charAt(3) == '-');
    return line;
  }
}
