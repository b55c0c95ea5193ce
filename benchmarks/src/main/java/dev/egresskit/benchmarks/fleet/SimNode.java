package dev.egresskit.benchmarks.fleet;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.core.health.SourceHealthTracker;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.fleet.RedisSourceHealth;
import dev.egresskit.transport.EgressConnectException;
import dev.egresskit.transport.EgressConnection;
import dev.egresskit.transport.EgressConnector;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One MTA node of the simulation: its own policy engine, resolver, connector and source health,
 * one connection attempt in flight at a time, until its health suspends the source (or the run's
 * deadline). It notes the moment its health first suspended the source, and every attempt that
 * failed in a way that counts toward health after the proxy died.
 */
final class SimNode implements AutoCloseable {
  private final String name;
  private final PolicyEngine engine;
  private final SourceResolver resolver;
  private final EgressConnector connector;
  private final SourceHealth health;
  private final RedisSourceHealth fleet;
  private final InetSocketAddress destination;
  private final long gapNanos;
  private final Duration timeout;
  private final AtomicLong suspendedAt = new AtomicLong();
  private volatile long proxyDiedAt;
  private long ok;
  final java.util.List<Long> failureTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private long countedFailures;
  private long otherFailures;
  private long uncountedAfterDeath;
  private long maxAttemptNanos;
  private long maxRecordNanos;
  private Thread thread;

  SimNode(String name, PolicyEngine engine, SourceHealth health, InetSocketAddress destination,
      Duration gap, Duration timeout) {
    this.name = name;
    this.engine = engine;
    this.destination = destination;
    this.gapNanos = gap.toNanos();
    this.timeout = timeout;
    SourceHealth timed = health;
    this.fleet = health instanceof RedisSourceHealth f ? f : null;
    if (health instanceof RedisSourceHealth fleet) {
      fleet.addListener((s, origin) -> suspendedAt.compareAndSet(0, System.nanoTime()));
    } else if (health instanceof SourceHealthTracker tracker) {
      timed = new TimedLocalHealth(tracker, suspendedAt);
    }
    this.health = new MeasuredHealth(timed, this);
    this.resolver = SourceResolver.builder(engine).health(this.health).build();
    this.connector = EgressConnector.builder().health(this.health).eventLoopThreads(1).build();
  }

  String name() {
    return name;
  }

  /** Whether the node's shared health is joined to Redis (false for per-process health). */
  boolean joined() {
    return fleet != null && fleet.joined();
  }

  void start() {
    thread = new Thread(this::run, "sim-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  long proxyDiedAt() {
    return proxyDiedAt;
  }

  void proxyDied(long nanos) {
    proxyDiedAt = nanos;
  }

  /** Waits for the node's loop to end (it ends when its health suspends the source). */
  boolean awaitEnd(Duration limit) throws InterruptedException {
    thread.join(limit.toMillis());
    return !thread.isAlive();
  }

  void stop() {
    if (thread != null) {
      thread.interrupt();
    }
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      EgressSource source = resolver.resolve("ip-1");
      long start = System.nanoTime();
      try {
        EgressConnection connection = connector.connect(source, destination, timeout)
            .get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
        connection.close();
        ok++;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof EgressConnectException failure) {
          if (failure.kind() == FailureKind.SOURCE_SUSPENDED) {
            return; // suspended: nothing was sent, the node is done
          }
          if (failure.kind().healthEvent().isPresent() && proxyDiedAt != 0) {
            countedFailures++;
            failureTimes.add(System.nanoTime() - proxyDiedAt);
          } else {
            otherFailures++;
            if (proxyDiedAt != 0) {
              uncountedAfterDeath++;
            }
          }
        } else {
          otherFailures++;
        }
      } catch (TimeoutException e) {
        otherFailures++;
      } catch (InterruptedException e) {
        return;
      }
      maxAttemptNanos = Math.max(maxAttemptNanos, System.nanoTime() - start);
      if (gapNanos > 0) {
        LockSupport.parkNanos(gapNanos);
      }
    }
  }

  synchronized void noteRecord(long nanos) {
    maxRecordNanos = Math.max(maxRecordNanos, nanos);
  }

  long ok() {
    return ok;
  }

  long countedFailures() {
    return countedFailures;
  }

  long otherFailures() {
    return otherFailures;
  }

  /** Attempts that failed after the proxy died in a way health does not count (timeouts). */
  long uncountedAfterDeath() {
    return uncountedAfterDeath;
  }

  /** The node's shared health, if it has one (for its probe). */
  RedisSourceHealth fleet() {
    return fleet;
  }

  long maxAttemptNanos() {
    return maxAttemptNanos;
  }

  synchronized long maxRecordNanos() {
    return maxRecordNanos;
  }

  /** When this node's health first suspended the source (System.nanoTime), 0 if never. */
  long suspendedAt() {
    return suspendedAt.get();
  }

  @Override
  public void close() {
    stop();
    connector.close();
    engine.close();
    if (health instanceof MeasuredHealth m && m.inner instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing at the end of a round
      }
    }
  }

  /** The per-process tracker, noting when it first suspended something. */
  private record TimedLocalHealth(SourceHealthTracker tracker, AtomicLong suspendedAt)
      implements SourceHealth, AutoCloseable {
    @Override
    public Optional<Instant> suspendedUntil(String sourceName) {
      return tracker.suspendedUntil(sourceName);
    }

    @Override
    public void recordFailure(EgressSource source, FailureKind kind) {
      if (tracker.record(source, kind).isPresent()) {
        suspendedAt.compareAndSet(0, System.nanoTime());
      }
    }

    @Override
    public void close() {}
  }

  /** Measures how long the connect path's calls into health take (they must never wait). */
  private static final class MeasuredHealth implements SourceHealth {
    final SourceHealth inner;
    private final SimNode node;

    MeasuredHealth(SourceHealth inner, SimNode node) {
      this.inner = inner;
      this.node = node;
    }

    @Override
    public Optional<Instant> suspendedUntil(String sourceName) {
      long start = System.nanoTime();
      Optional<Instant> until = inner.suspendedUntil(sourceName);
      node.noteRecord(System.nanoTime() - start);
      return until;
    }

    @Override
    public void recordFailure(EgressSource source, FailureKind kind) {
      long start = System.nanoTime();
      inner.recordFailure(source, kind);
      node.noteRecord(System.nanoTime() - start);
    }
  }
}
