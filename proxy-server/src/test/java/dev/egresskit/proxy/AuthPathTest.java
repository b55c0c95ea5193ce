package dev.egresskit.proxy;

import static dev.egresskit.proxy.TestProxies.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The authentication path over loopback: checks of clients that went away are dropped, and the
 * per-connection log line never shows what may be a password typed into the user field.
 */
class AuthPathTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final CountDownLatch release = new CountDownLatch(1);
  @RegisterExtension final ProxyFixture servers = new ProxyFixture(registry);

  /** Runs before the fixture closes the proxy: a blocked check must not hold up the drain. */
  @AfterEach
  void releaseBlockedChecks() {
    release.countDown();
  }

  private Socks5ProxyServer start(Socks5ProxyServer.Builder builder) {
    return servers.start(builder.connectionLog(lines::add));
  }

  private static byte[] greetingAndAuth(String user, String password) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {5, 1, 2});
    out.write(RawSocksClient.authBytes(user, password));
    return out.toByteArray();
  }

  private String nextLine() throws InterruptedException {
    String line = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(line).as("a connection log line within " + WAIT).isNotNull();
    return line;
  }

  @Test
  void aRefusedUsernameThatIsNoKnownUserIsNeverLoggedAKnownOneIs() throws Exception {
    Socks5ProxyServer proxy = start(servers.loopback().credentials(ALICE).requireAuth(true));
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      assertThat(c.greet(2)).containsExactly(5, 2);
      assertThat(c.auth("s3cret-typed-as-user", "alice")).containsExactly(1, 1);
    }
    String unknown = nextLine();
    assertThat(unknown).contains("user=<unknown>", "outcome=auth_failed")
        .doesNotContain("s3cret-typed-as-user");

    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      c.greet(2);
      assertThat(c.auth("alice", "wrong")).containsExactly(1, 1);
    }
    assertThat(nextLine()).contains("user=\"alice\"", "outcome=auth_failed").doesNotContain("wrong");
  }

  @Test
  void controlCharactersInAnAcceptedUsernameCannotForgeALogLine() throws Exception {
    ProxyAuthenticator anyone = attempt -> AuthVerdict.accept("id\u001b[2J", List.of("g\n1"));
    Socks5ProxyServer proxy = start(servers.loopback().authenticator(anyone).requireAuth(true));
    String forged = "eve\nsocks5 connection ended outcome=completed \"\u001b[31m";
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      c.greet(2);
      assertThat(c.auth(forged, "pw")).containsExactly(1, 0);
    }
    String line = nextLine();
    assertThat(line).doesNotContain("\n", "\u001b")
        .contains("user=\"eve\\nsocks5 connection ended outcome=completed \\\"\\u001b[31m\"")
        .contains("identity=\"id\\u001b[2J\"", "groups=\"g\\n1\"")
        .endsWith("outcome=client_closed");
  }

  @Test
  void checksOfClientsThatHalfClosedOrClosedAreDroppedBeforeTheyRun() throws Exception {
    List<String> checked = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch firstRunning = new CountDownLatch(1);
    ProxyAuthenticator blocking = attempt -> {
      checked.add(attempt.username());
      if (attempt.username().equals("first")) {
        firstRunning.countDown();
        release.await(30, TimeUnit.SECONDS);
      }
      return AuthVerdict.accept();
    };
    Socks5ProxyServer proxy = start(servers.loopback().authenticator(blocking).requireAuth(true)
        .authLimits(new AuthLimits(1, 4, 16, 10, Duration.ofSeconds(1))));

    RawSocksClient first = RawSocksClient.connect(proxy.address());
    first.send(greetingAndAuth("first", "pw"));
    assertThat(firstRunning.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    try (RawSocksClient halfClosed = RawSocksClient.connect(proxy.address());
        RawSocksClient closed = RawSocksClient.connect(proxy.address())) {
      halfClosed.send(greetingAndAuth("half-closed", "pw"));
      halfClosed.shutdownOutput();
      assertThat(halfClosed.readToEnd()).containsExactly(5, 2); // closed without an auth answer
      closed.send(greetingAndAuth("closed", "pw"));
      assertThat(closed.read(2)).containsExactly(5, 2);
    }
    assertThat(nextLine()).contains("outcome=client_closed");
    assertThat(nextLine()).contains("outcome=client_closed");

    release.countDown();
    assertThat(first.read(4)).containsExactly(5, 2, 1, 0);
    first.close();
    try (RawSocksClient next = RawSocksClient.connect(proxy.address())) {
      next.greet(2);
      assertThat(next.auth("next", "pw")).containsExactly(1, 0);
    }
    assertThat(checked).containsExactly("first", "next");
  }

  @Test
  void aRateLimitedAddressIsRefusedWithoutACheckAndCountedUntilItsTokenComesBack() throws Exception {
    long[] now = {0};
    List<String> checked = Collections.synchronizedList(new ArrayList<>());
    ProxyAuthenticator authenticator = attempt -> {
      checked.add(attempt.password());
      return attempt.password().equals("right") ? AuthVerdict.accept() : AuthVerdict.refuse(true);
    };
    Socks5ProxyServer proxy = start(servers.loopback().authenticator(authenticator)
        .requireAuth(true)
        .authLimits(new AuthLimits(1, 4, 16, 2, Duration.ofMinutes(1))).nanoTime(() -> now[0]));
    for (String password : List.of("guess1", "guess2", "right")) {
      try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
        c.greet(2);
        // "right" is refused too: the address has spent its failure tokens
        assertThat(c.auth("alice", password)).containsExactly(1, 1);
      }
    }
    assertThat(checked).containsExactly("guess1", "guess2");
    now[0] += Duration.ofMinutes(1).toNanos();
    try (RawSocksClient c = RawSocksClient.connect(proxy.address())) {
      c.greet(2);
      assertThat(c.auth("alice", "right")).containsExactly(1, 0);
    }
    assertThat(servers.failed("auth_rate_limited")).isEqualTo(1);
  }
}
