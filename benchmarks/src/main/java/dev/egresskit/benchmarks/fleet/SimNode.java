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
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
  // Written on the node's event loop only; read after the node ended (or was stopped).
  private volatile long ok;
  final java.util.List<Long> failureTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile long countedFailures;
  private volatile long otherFailures;
  private volatile long uncountedAfterDeath;
  private volatile long maxAttemptNanos;
  private long maxRecordNanos;
  private long maxRecordCpuNanos;
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile boolean stopped;
  private EventLoop loop;

  /**
   * @param health builds the node's health, given the connector's event loops (which shared
   *     health may run its Redis connections on)
   */
  SimNode(String name, PolicyEngine engine,
      java.util.function.Function<io.netty.channel.EventLoopGroup, SourceHealth> health,
      InetSocketAddress destination, Duration gap, Duration timeout) {
    this.name = name;
    this.engine = engine;
    this.destination = destination;
    this.gapNanos = gap.toNanos();
    this.timeout = timeout;
    MeasuredHealth measured = new MeasuredHealth(this);
    this.health = measured;
    this.resolver = SourceResolver.builder(engine).health(this.health).build();
    this.connector = EgressConnector.builder().health(this.health).eventLoopThreads(1).build();
    SourceHealth made = health.apply(connector.eventLoops());
    this.fleet = made instanceof RedisSourceHealth f ? f : null;
    if (made instanceof RedisSourceHealth shared) {
      shared.addListener((s, origin) -> suspendedAt.compareAndSet(0, System.nanoTime()));
    } else if (made instanceof SourceHealthTracker tracker) {
      made = new TimedLocalHealth(tracker, suspendedAt);
    }
    measured.inner = made;
  }

  String name() {
    return name;
  }

  /** Whether the node's shared health is joined to Redis (false for per-process health). */
  boolean joined() {
    return fleet != null && fleet.joined();
  }

  /**
   * Starts the node's attempts. Each attempt starts on the node's event loop, as a task queued
   * when the previous one ended (at once, or {@code gap} later): back to back, the next attempt
   * starts as soon as the previous one's end has been handled, after whatever else that event
   * loop had to read (as an MTA's scheduler would start the next delivery), with no thread of
   * its own blocked on each attempt.
   */
  void start() {
    loop = connector.eventLoops().next();
    loop.execute(this::attempt);
  }

  long proxyDiedAt() {
    return proxyDiedAt;
  }

  void proxyDied(long nanos) {
    proxyDiedAt = nanos;
  }

  /** Waits for the node's attempts to end (they end when its health suspends the source). */
  boolean awaitEnd(Duration limit) throws InterruptedException {
    return ended.await(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  void stop() {
    stopped = true;
  }

  private void attempt() {
    if (stopped) {
      ended.countDown();
      return;
    }
    long start = System.nanoTime();
    CompletableFuture<EgressConnection> attempt;
    try {
      attempt = connector.connect(resolver.resolve("ip-1"), destination, timeout);
    } catch (RuntimeException e) {
      otherFailures++;
      next(start);
      return;
    }
    attempt.whenComplete((connection, thrown) -> {
      Throwable error = thrown instanceof java.util.concurrent.CompletionException c
          && c.getCause() != null ? c.getCause() : thrown;
      if (error == null) {
        connection.close();
        ok++;
      } else if (error instanceof EgressConnectException failure) {
        if (failure.kind() == FailureKind.SOURCE_SUSPENDED) {
          ended.countDown(); // suspended: nothing was sent, the node is done
          return;
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
      next(start);
    });
  }

  /** Queues the next attempt on the node's event loop, after the gap if there is one. */
  private void next(long start) {
    maxAttemptNanos = Math.max(maxAttemptNanos, System.nanoTime() - start);
    if (gapNanos > 0) {
      loop.schedule(this::attempt, gapNanos, TimeUnit.NANOSECONDS);
    } else {
      loop.execute(this::attempt);
    }
  }

  /** Notes a health call's wall time and the CPU time its thread spent in it. */
  synchronized void noteRecord(long nanos, long cpuNanos) {
    if (nanos > maxRecordNanos) {
      maxRecordNanos = nanos;
      maxRecordCpuNanos = cpuNanos;
    }
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

  /**
   * The CPU time of the slowest health call: far below its wall time, the call did not work
   * (or wait on anything) that long, its thread was off the core.
   */
  synchronized long maxRecordCpuNanos() {
    return maxRecordCpuNanos;
  }

  /** When this node's health first suspended the source (System.nanoTime), 0 if never. */
  long suspendedAt() {
    return suspendedAt.get();
  }

  @Override
  public void close() {
    stop();
    if (health instanceof MeasuredHealth m && m.inner instanceof AutoCloseable c) {
      try {
        c.close(); // before the connector: shared health may run on its event loops
      } catch (Exception ignored) {
        // closing at the end of a round
      }
    }
    connector.close();
    engine.close();
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
    private static final java.lang.management.ThreadMXBean CPU =
        java.lang.management.ManagementFactory.getThreadMXBean();
    /** Set once, before the first attempt (the connector is built first: see the constructor). */
    volatile SourceHealth inner;
    private final SimNode node;

    MeasuredHealth(SimNode node) {
      this.node = node;
    }

    @Override
    public Optional<Instant> suspendedUntil(String sourceName) {
      long cpu = CPU.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      Optional<Instant> until = inner.suspendedUntil(sourceName);
      node.noteRecord(System.nanoTime() - start, CPU.getCurrentThreadCpuTime() - cpu);
      return until;
    }

    @Override
    public void recordFailure(EgressSource source, FailureKind kind) {
      long cpu = CPU.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      inner.recordFailure(source, kind);
      node.noteRecord(System.nanoTime() - start, CPU.getCurrentThreadCpuTime() - cpu);
    }
  }
}
