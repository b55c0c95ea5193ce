package dev.egresskit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The authentication path's queueing, bounds and rate limit, with an executor that runs worker
 * tasks only when the test says so and a clock the test advances.
 */
class AuthGateTest {

  /** Collects worker tasks; {@link #runOne()} runs the oldest. */
  private static final class SteppedExecutor implements Executor {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    boolean runOne() {
      Runnable task = tasks.poll();
      if (task == null) {
        return false;
      }
      task.run();
      return true;
    }

    void runAll() {
      for (int i = 0; i < 1000 && runOne(); i++) {
        // bounded: a gate that kept resubmitting forever would fail the assertions below
      }
    }
  }

  /** Accepts the password "right", records the order of the checks it ran. */
  private static final class RecordingAuthenticator implements ProxyAuthenticator {
    final List<String> checked = new ArrayList<>();

    @Override
    public AuthVerdict authenticate(AuthAttempt attempt) {
      checked.add(attempt.username());
      return attempt.password().equals("right") ? AuthVerdict.accept() : AuthVerdict.refuse(false);
    }
  }

  private final SteppedExecutor workers = new SteppedExecutor();
  private final RecordingAuthenticator authenticator = new RecordingAuthenticator();
  private final AtomicLong now = new AtomicLong();
  private final List<String> answered = new ArrayList<>();
  private final List<AuthGate.Decision> decisions = new ArrayList<>();

  private AuthGate gate(AuthLimits limits) {
    return new AuthGate(authenticator, limits, workers, now::get);
  }

  private AuthGate.Ticket submit(AuthGate gate, String ip, String user, String password) {
    AuthAttempt attempt = new AuthAttempt(user, password, new InetSocketAddress(ip, 40000),
        new InetSocketAddress("127.0.0.1", 1080));
    return gate.submit(attempt, d -> {
      answered.add(user);
      decisions.add(d);
    });
  }

  @Test
  void aNewAddressIsServedNextNotAfterAnotherAddressesBacklog() {
    AuthGate gate = gate(new AuthLimits(1, 4, 64, 100, Duration.ofSeconds(1)));
    submit(gate, "192.0.2.1", "a1", "wrong");
    submit(gate, "192.0.2.1", "a2", "wrong");
    submit(gate, "192.0.2.1", "a3", "wrong");
    submit(gate, "192.0.2.1", "a4", "wrong");
    submit(gate, "198.51.100.7", "b1", "right");
    submit(gate, "203.0.113.9", "c1", "right");
    workers.runAll();
    assertThat(authenticator.checked).containsExactly("a1", "b1", "c1", "a2", "a3", "a4");
  }

  @Test
  void atMostWorkersChecksRunAtOnceAndEachTaskRunsOneCheck() {
    AuthGate gate = gate(new AuthLimits(2, 4, 64, 100, Duration.ofSeconds(1)));
    submit(gate, "192.0.2.1", "a1", "wrong");
    submit(gate, "192.0.2.1", "a2", "wrong");
    submit(gate, "192.0.2.1", "a3", "wrong");
    assertThat(workers.tasks).hasSize(2);
    workers.runOne();
    assertThat(authenticator.checked).containsExactly("a1");
    workers.runAll();
    assertThat(authenticator.checked).containsExactly("a1", "a2", "a3");
    assertThat(gate.pending()).isZero();
    assertThat(workers.tasks).isEmpty();
  }

  @Test
  void oneAddressNeverHoldsEveryWorkerSoAnotherAddressFindsOneFree() {
    List<String> seenDuringFirstCheck = new ArrayList<>();
    ProxyAuthenticator nested = attempt -> {
      if (attempt.username().equals("a1")) {
        workers.runOne(); // a second worker becomes free while a1 is being checked
        seenDuringFirstCheck.addAll(answered);
      }
      return AuthVerdict.refuse(false);
    };
    AuthGate gate = new AuthGate(nested, new AuthLimits(2, 4, 64, 100, Duration.ofSeconds(1)),
        workers, now::get);
    submit(gate, "192.0.2.1", "a1", "wrong");
    submit(gate, "192.0.2.1", "a2", "wrong");
    workers.runOne();
    assertThat(seenDuringFirstCheck).as("a2 must wait: 192.0.2.1 already runs one check").isEmpty();
    workers.runAll();
    assertThat(answered).containsExactly("a1", "a2");

    answered.clear();
    seenDuringFirstCheck.clear();
    submit(gate, "192.0.2.1", "a1", "wrong");
    submit(gate, "192.0.2.1", "a2", "wrong");
    submit(gate, "198.51.100.7", "b1", "right");
    workers.runOne();
    assertThat(seenDuringFirstCheck).as("b1 runs on the free worker during a1").containsExactly("b1");
  }

  @Test
  void anAddressOverItsPendingBoundIsRefusedAtOnceWithoutACheck() {
    AuthGate gate = gate(new AuthLimits(1, 2, 64, 100, Duration.ofSeconds(1)));
    submit(gate, "192.0.2.1", "a1", "wrong");
    submit(gate, "192.0.2.1", "a2", "wrong");
    submit(gate, "192.0.2.1", "a3", "right");
    assertThat(answered).containsExactly("a3");
    assertThat(decisions.get(0).refusal()).isEqualTo(Outcome.AUTH_OVERLOADED);
    submit(gate, "198.51.100.7", "b1", "right");
    workers.runAll();
    assertThat(authenticator.checked).containsExactly("a1", "b1", "a2");
  }

  @Test
  void theServerWideBoundRefusesOnceItIsFull() {
    AuthGate gate = gate(new AuthLimits(1, 2, 3, 100, Duration.ofSeconds(1)));
    submit(gate, "192.0.2.1", "a1", "wrong");
    submit(gate, "192.0.2.2", "b1", "wrong");
    submit(gate, "192.0.2.3", "c1", "wrong");
    submit(gate, "192.0.2.4", "d1", "right");
    assertThat(answered).containsExactly("d1");
    assertThat(decisions.get(0).refusal()).isEqualTo(Outcome.AUTH_OVERLOADED);
    workers.runAll();
    submit(gate, "192.0.2.4", "d2", "right");
    workers.runAll();
    assertThat(decisions.get(decisions.size() - 1).verdict().accepted()).isTrue();
  }

  @Test
  void aCancelledCheckIsNeverRunNorAnsweredAndFreesItsPlace() {
    AuthGate gate = gate(new AuthLimits(1, 2, 64, 100, Duration.ofSeconds(1)));
    submit(gate, "192.0.2.1", "a1", "wrong");
    AuthGate.Ticket gone = submit(gate, "192.0.2.1", "a2", "wrong");
    gone.cancel();
    assertThat(gate.pending()).isEqualTo(1);
    submit(gate, "192.0.2.1", "a3", "wrong"); // the freed place is usable again
    workers.runAll();
    assertThat(authenticator.checked).containsExactly("a1", "a3");
    assertThat(answered).containsExactly("a1", "a3");
  }

  @Test
  void failuresFromOneAddressForOneUserAreRefusedWithoutACheckUntilATokenComesBack() {
    AuthGate gate = gate(new AuthLimits(1, 4, 64, 3, Duration.ofSeconds(10)));
    for (int i = 0; i < 3; i++) {
      submit(gate, "192.0.2.1", "alice", "guess" + i);
      workers.runAll();
    }
    submit(gate, "192.0.2.1", "alice", "right");
    assertThat(authenticator.checked).hasSize(3);
    assertThat(decisions.get(3).refusal()).isEqualTo(Outcome.AUTH_RATE_LIMITED);
    submit(gate, "192.0.2.1", "bob", "right"); // another user of the same client: not limited
    submit(gate, "198.51.100.7", "alice", "right"); // another address: not limited
    workers.runAll();
    assertThat(decisions.get(4).verdict().accepted()).isTrue();
    assertThat(decisions.get(5).verdict().accepted()).isTrue();

    now.addAndGet(Duration.ofSeconds(9).toNanos());
    submit(gate, "192.0.2.1", "alice", "right");
    assertThat(decisions.get(6).refusal()).isEqualTo(Outcome.AUTH_RATE_LIMITED);
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    submit(gate, "192.0.2.1", "alice", "right");
    workers.runAll();
    assertThat(decisions.get(7).verdict().accepted()).isTrue();
  }

  @Test
  void anIpv6HostCountsAsOneAddressAcrossItsSlash64() {
    AuthGate gate = gate(new AuthLimits(1, 2, 64, 100, Duration.ofSeconds(1)));
    submit(gate, "2001:db8:1:2::1", "a1", "wrong");
    submit(gate, "2001:db8:1:2::2", "a2", "wrong");
    submit(gate, "2001:db8:1:2:ffff::3", "a3", "wrong");
    submit(gate, "2001:db8:1:3::1", "b1", "wrong");
    assertThat(answered).containsExactly("a3");
    workers.runAll();
    assertThat(authenticator.checked).containsExactly("a1", "b1", "a2");
  }

  @Test
  void anIpv4MappedAddressCountsAsItsIpv4Address() {
    AuthGate gate = gate(new AuthLimits(1, 1, 64, 100, Duration.ofSeconds(1)));
    submit(gate, "192.0.2.1", "a1", "wrong");
    submit(gate, "::ffff:192.0.2.1", "a2", "wrong");
    assertThat(answered).containsExactly("a2");
  }

  @Test
  void aQuickVerdictSkipsTheQueueButNotTheRateLimit() {
    ProxyAuthenticator quick = new ProxyAuthenticator() {
      @Override
      public AuthVerdict authenticate(AuthAttempt attempt) {
        throw new AssertionError("the full check must not run");
      }

      @Override
      public AuthVerdict quickVerdict(AuthAttempt attempt) {
        return attempt.password().equals("right") ? AuthVerdict.accept() : AuthVerdict.refuse(true);
      }
    };
    AuthGate gate = new AuthGate(quick, new AuthLimits(1, 1, 1, 2, Duration.ofSeconds(60)),
        workers, now::get);
    submit(gate, "192.0.2.1", "alice", "right");
    submit(gate, "192.0.2.1", "alice", "wrong");
    submit(gate, "192.0.2.1", "alice", "wrong");
    submit(gate, "192.0.2.1", "alice", "right");
    assertThat(workers.tasks).isEmpty();
    assertThat(decisions).extracting(AuthGate.Decision::refusal)
        .containsExactly(null, Outcome.AUTH_FAILED, Outcome.AUTH_FAILED, Outcome.AUTH_RATE_LIMITED);
  }

  @Test
  void anAuthenticatorThatThrowsRefusesThatClientAndTheNextCheckRuns() {
    ProxyAuthenticator failing = attempt -> {
      if (attempt.username().equals("boom")) {
        throw new IllegalStateException("script error with a secret " + attempt.password());
      }
      return AuthVerdict.accept();
    };
    AuthGate gate = new AuthGate(failing, AuthLimits.defaults(), workers, now::get);
    submit(gate, "192.0.2.1", "boom", "hunter2");
    submit(gate, "192.0.2.2", "fine", "x");
    workers.runAll();
    assertThat(decisions.get(0).refusal()).isEqualTo(Outcome.AUTH_FAILED);
    assertThat(decisions.get(0).error()).doesNotContain("hunter2").contains("<redacted>");
    assertThat(decisions.get(1).verdict().accepted()).isTrue();
  }

  @Test
  void anAttemptsToStringNeverShowsThePassword() {
    AuthAttempt attempt = new AuthAttempt("alice", "hunter2", new InetSocketAddress("192.0.2.1", 1),
        new InetSocketAddress("127.0.0.1", 2));
    assertThat(attempt.toString()).doesNotContain("hunter2").contains("192.0.2.1");
  }
}
