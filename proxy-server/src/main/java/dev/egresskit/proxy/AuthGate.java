package dev.egresskit.proxy;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way an RFC 1929 attempt reaches a {@link ProxyAuthenticator}: the failure rate limit,
 * the authenticator's quick verdict, then a fair queue with bounds per client address and in
 * all (see {@link AuthLimits}). Queued checks are served one client address at a time in turn,
 * at most {@code workers} at once and at most {@code workers - 1} (at least one) of one address
 * at once, so a flooding address never holds every worker; each check is one task on the worker
 * executor (tests inject one that runs tasks when told, to see the order). A check whose client has gone away is
 * {@linkplain Ticket#cancel() cancelled} and leaves the queue, freeing its place. Thread-safe.
 */
final class AuthGate {

  private static final Logger LOG = LoggerFactory.getLogger(AuthGate.class);

  /** A decision: the verdict, and for a refusal why (the connection's outcome). */
  record Decision(AuthVerdict verdict, Outcome refusal, String error) {
    static Decision of(AuthVerdict verdict) {
      return new Decision(verdict, verdict.accepted() ? null : Outcome.AUTH_FAILED, null);
    }

    static Decision refused(Outcome why, String error) {
      return new Decision(AuthVerdict.refuse(false), why, error);
    }
  }

  private final ProxyAuthenticator authenticator;
  private final AuthLimits limits;
  private final Executor workers;
  private final FailureLimiter failures;
  // Guarded by this: the queues of addresses with work, the order they are served in, counts.
  private final Map<ClientKey, ArrayDeque<Ticket>> queues = new HashMap<>();
  private final Map<ClientKey, Integer> inFlight = new HashMap<>();
  private final Map<ClientKey, Integer> runningOf = new HashMap<>();
  private final int runningPerAddress;
  private final ArrayDeque<ClientKey> turns = new ArrayDeque<>();
  private int pending;
  private int running;

  AuthGate(ProxyAuthenticator authenticator, AuthLimits limits, Executor workers, LongSupplier nanoTime) {
    this.authenticator = authenticator;
    this.limits = limits;
    this.workers = workers;
    this.failures = new FailureLimiter(limits, nanoTime);
    this.runningPerAddress = Math.max(1, limits.workers() - 1);
  }

  /**
   * Decides an attempt. {@code done} is called exactly once, on this thread when the decision
   * needs no check (rate limited, over a bound, a quick verdict), else on a worker thread; it is
   * never called for a cancelled ticket.
   *
   * @return the ticket to cancel if the client goes away first
   */
  Ticket submit(AuthAttempt attempt, Consumer<Decision> done) {
    ClientKey key = ClientKey.of(attempt.client().getAddress());
    Ticket ticket = new Ticket(key, attempt, done);
    if (failures.exhausted(new FailureLimiter.Key(key, attempt.username()))) {
      ticket.finish(Decision.refused(Outcome.AUTH_RATE_LIMITED, "too many failed logins"));
      return ticket;
    }
    AuthVerdict quick = authenticator.quickVerdict(attempt);
    if (quick != null) {
      record(ticket, quick);
      ticket.finish(Decision.of(quick));
      return ticket;
    }
    boolean startWorker;
    synchronized (this) {
      int mine = inFlight.getOrDefault(key, 0);
      if (pending >= limits.pendingTotal() || mine >= limits.pendingPerAddress()) {
        startWorker = false;
        ticket.overloaded = true;
      } else {
        pending++;
        inFlight.put(key, mine + 1);
        ArrayDeque<Ticket> queue = queues.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (queue.isEmpty()) {
          turns.addLast(key);
        }
        queue.addLast(ticket);
        startWorker = running < limits.workers();
        if (startWorker) {
          running++;
        }
      }
    }
    if (ticket.overloaded) {
      ticket.finish(Decision.refused(Outcome.AUTH_OVERLOADED, "too many pending logins"));
    } else if (startWorker) {
      dispatch();
    }
    return ticket;
  }

  /** Checks waiting or running now. */
  synchronized int pending() {
    return pending;
  }

  private void dispatch() {
    try {
      workers.execute(this::runNext);
    } catch (RejectedExecutionException e) {
      // Shutting down: nobody will run the queue; the handshakes end with their channels.
      synchronized (this) {
        running--;
      }
    }
  }

  /** One worker task: runs the next address's oldest check, then hands over to a fresh task. */
  private void runNext() {
    Ticket ticket;
    synchronized (this) {
      ticket = next();
      if (ticket == null) {
        running--;
        return;
      }
      ticket.running = true;
    }
    Decision decision;
    try {
      AuthVerdict verdict = authenticator.authenticate(ticket.attempt);
      decision = Decision.of(verdict == null ? AuthVerdict.refuse(false) : verdict);
    } catch (Exception | LinkageError e) {
      String error = "authentication error: " + redacted(e, ticket.attempt.password());
      LOG.warn("proxy {}", error);
      decision = Decision.refused(Outcome.AUTH_FAILED, error);
    }
    record(ticket, decision.verdict());
    synchronized (this) {
      runningOf.computeIfPresent(ticket.key, (k, n) -> n == 1 ? null : n - 1);
      release(ticket.key);
    }
    ticket.finish(decision);
    dispatch();
  }

  /** The error's text with the password cut out: a script's error may quote its input. */
  private static String redacted(Throwable error, String password) {
    String text = error.getMessage() == null ? error.getClass().getSimpleName()
        : error.getClass().getSimpleName() + ": " + error.getMessage();
    return password.isEmpty() ? text : text.replace(password, "<redacted>");
  }

  /**
   * The oldest check of the next address in turn that is below its share of the workers; that
   * address goes to the back. Null when no address may run a check now (a worker that finishes
   * a check looks again).
   */
  private Ticket next() {
    for (int i = turns.size(); i > 0; i--) {
      ClientKey key = turns.pollFirst();
      if (runningOf.getOrDefault(key, 0) >= runningPerAddress) {
        turns.addLast(key);
        continue;
      }
      ArrayDeque<Ticket> queue = queues.get(key);
      Ticket ticket = queue.pollFirst();
      if (queue.isEmpty()) {
        queues.remove(key);
      } else {
        turns.addLast(key);
      }
      runningOf.merge(key, 1, Integer::sum);
      return ticket;
    }
    return null;
  }

  private void record(Ticket ticket, AuthVerdict verdict) {
    if (!verdict.accepted()) {
      failures.failed(new FailureLimiter.Key(ticket.key, ticket.attempt.username()));
    }
  }

  private void release(ClientKey key) {
    pending--;
    inFlight.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
  }

  private synchronized void withdraw(Ticket ticket) {
    ArrayDeque<Ticket> queue = queues.get(ticket.key);
    if (ticket.running || queue == null || !queue.remove(ticket)) {
      return;
    }
    if (queue.isEmpty()) {
      queues.remove(ticket.key);
      turns.remove(ticket.key);
    }
    release(ticket.key);
  }

  /** One submitted attempt. */
  final class Ticket {
    private final ClientKey key;
    private final AuthAttempt attempt;
    private final Consumer<Decision> done;
    private volatile boolean cancelled;
    private boolean running;
    private boolean overloaded;

    private Ticket(ClientKey key, AuthAttempt attempt, Consumer<Decision> done) {
      this.key = key;
      this.attempt = attempt;
      this.done = done;
    }

    /** The client went away: drop the check if it has not started, and never call back. */
    void cancel() {
      cancelled = true;
      withdraw(this);
    }

    private void finish(Decision decision) {
      if (!cancelled) {
        done.accept(decision);
      }
    }
  }
}
