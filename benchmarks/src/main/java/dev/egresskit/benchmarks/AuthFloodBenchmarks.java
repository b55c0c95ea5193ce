package dev.egresskit.benchmarks;

import dev.egresskit.proxy.AuthLimits;
import dev.egresskit.proxy.AuthVerdict;
import dev.egresskit.proxy.ProxyAuthenticator;
import dev.egresskit.proxy.Socks5ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A first login from one address while another address floods the proxy with wrong passwords
 * (issue #21.5): how long it takes, beside how long one password check takes. Every check is a
 * full PBKDF2 derivation (no remembered passwords), and the flood's failures are not rate
 * limited, so both workers stay busy with the flood's checks: the worst case for the queue. The
 * target is a login under the flood within twice one check under the same flood.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AuthFloodBenchmarks extends BenchmarkDefaults {

  static final int ITERATIONS = 100_000;
  static final int FLOOD_THREADS = 8;
  private static final byte[] SALT = "egresskit-bench-salt".getBytes(StandardCharsets.US_ASCII);
  static final InetAddress LEGIT = address("127.0.0.3");
  static final InetAddress ATTACKER = address("127.0.0.2");

  private Socks5ProxyServer proxy;

  /** The flood: threads that log in with a wrong password from one address, without pause. */
  @State(Scope.Benchmark)
  public static class Flood {
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong attempts = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();

    @Setup(Level.Trial)
    public void start(AuthFloodBenchmarks bench) {
      running.set(true);
      for (int i = 0; i < FLOOD_THREADS; i++) {
        Thread t = new Thread(() -> {
          while (running.get()) {
            try {
              login(bench.proxy.address(), ATTACKER, "wrong");
              attempts.incrementAndGet();
            } catch (IOException e) {
              // a refused or reset attempt is still an attempt; go on
            }
          }
        }, "flood-" + i);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join(30_000);
      }
      System.out.println("flood attempts: " + attempts.get());
    }
  }

  @Setup(Level.Trial)
  public void startProxy() {
    proxy = newProxy();
  }

  /**
   * The proxy under test: every check a full PBKDF2 derivation; the failure rate limit off (the
   * worst case: the flood keeps both check threads busy).
   */
  static Socks5ProxyServer newProxy() {
    byte[] expected = derive("right");
    ProxyAuthenticator check = attempt -> MessageDigest.isEqual(derive(attempt.password()), expected)
        ? AuthVerdict.accept() : AuthVerdict.refuse(true);
    return Socks5ProxyServer.builder()
        .listen(new InetSocketAddress("127.0.0.1", 0))
        .authenticator(check)
        .requireAuth(true)
        .authLimits(new AuthLimits(2, 4, 256, Integer.MAX_VALUE, Duration.ofSeconds(1)))
        .build()
        .start();
  }

  @TearDown(Level.Trial)
  public void stopProxy() {
    proxy.close();
  }

  /** One password check (a PBKDF2 derivation) with nothing else running. */
  @Benchmark
  public byte[] checkAlone() {
    return derive("right");
  }

  /** One password check while the flood runs. */
  @Benchmark
  public byte[] checkUnderFlood(Flood flood) {
    return derive("right");
  }

  /** A login (connect, greeting, RFC 1929, answer) with nothing else running. */
  @Benchmark
  public int loginAlone() throws IOException {
    return login(proxy.address(), LEGIT, "right");
  }

  /** A first login from another address while the flood runs. */
  @Benchmark
  public int loginUnderFlood(Flood flood) throws IOException {
    int status = login(proxy.address(), LEGIT, "right");
    if (status != 0) {
      throw new IllegalStateException("the legitimate login was refused: status " + status);
    }
    return status;
  }

  /** Greeting and RFC 1929 in one write; returns the auth status byte (0 = accepted). */
  static int login(InetSocketAddress proxyAddress, InetAddress from, String password)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(proxyAddress, 10_000);
      socket.setSoTimeout(30_000);
      byte[] user = "alice".getBytes(StandardCharsets.US_ASCII);
      byte[] pass = password.getBytes(StandardCharsets.US_ASCII);
      byte[] request = new byte[3 + 3 + user.length + pass.length];
      request[0] = 5;
      request[1] = 1;
      request[2] = 2;
      request[3] = 1;
      request[4] = (byte) user.length;
      System.arraycopy(user, 0, request, 5, user.length);
      request[5 + user.length] = (byte) pass.length;
      System.arraycopy(pass, 0, request, 6 + user.length, pass.length);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(4);
      if (reply.length < 4) {
        throw new IOException("closed after " + reply.length + " bytes");
      }
      return reply[3];
    }
  }

  static byte[] derive(String password) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), SALT, ITERATIONS, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } finally {
      spec.clearPassword();
    }
  }

  private static InetAddress address(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
