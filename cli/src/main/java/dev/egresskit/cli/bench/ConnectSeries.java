package dev.egresskit.cli.bench;

import dev.egresskit.cli.output.JobFailedException;
import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.transport.EgressConnectException;
import dev.egresskit.transport.ProbeResult;
import dev.egresskit.transport.SmtpProbe;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import me.tongfei.progressbar.ProgressBar;

/**
 * One series of {@code bench connect}: {@code count} setups, {@code concurrency} in flight.
 * Each of the {@code concurrency} chains starts its next setup from the completion of the
 * previous one, on the connector's event loop, so a setup costs no hand-off between threads: the
 * calling thread only starts the chains and waits for the last to finish.
 */
final class ConnectSeries {
  private final SmtpProbe probe;
  private final EgressSource source;
  private final InetSocketAddress destination;
  private final Duration timeout;
  private final int count;
  private final ProgressBar progress;
  private final double[] micros;
  private final Map<FailureKind, Integer> failures = new EnumMap<>(FailureKind.class);
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private final CountDownLatch done;

  /**
   * What the series measured: latency per successful setup, failures by kind, wall time and what
   * the process spent meanwhile.
   */
  record Outcome(double[] micros, Map<FailureKind, Integer> failures, long wallNanos,
      ClientCost.Reading spent) {}

  ConnectSeries(SmtpProbe probe, EgressSource source, InetSocketAddress destination,
      Duration timeout, int count, ProgressBar progress) {
    this.probe = probe;
    this.source = source;
    this.destination = destination;
    this.timeout = timeout;
    this.count = count;
    this.progress = progress;
    this.micros = new double[count];
    Arrays.fill(micros, Double.NaN);
    this.done = new CountDownLatch(count);
  }

  /**
   * Runs the series, {@code concurrency} chains.
   *
   * @throws JobFailedException when no setup finishes within the timeout plus five seconds
   */
  Outcome run(int concurrency) throws InterruptedException {
    ClientCost.Reading before = ClientCost.Reading.now();
    long start = System.nanoTime();
    for (int i = 0; i < Math.min(concurrency, count); i++) {
      next();
    }
    long bound = timeout.toMillis() + 5_000;
    int seen = -1;
    while (!done.await(bound, TimeUnit.MILLISECONDS)) {
      int now = completed.get();
      if (now == seen) {
        throw new JobFailedException("bench connect: no setup of " + source.name()
            + " finished within " + bound + " ms; giving up");
      }
      seen = now;
    }
    long wall = System.nanoTime() - start;
    ClientCost.Reading spent = ClientCost.Reading.now().minus(before);
    double[] ok = Arrays.stream(micros).filter(m -> !Double.isNaN(m)).toArray();
    synchronized (failures) {
      return new Outcome(ok, Map.copyOf(failures), wall, spent);
    }
  }

  /**
   * Starts the next setup of this chain, if any remain. Setups that complete at once (a
   * suspended source fails without connecting) are recorded in this loop, not by recursion.
   */
  private void next() {
    while (true) {
      int slot = issued.getAndIncrement();
      if (slot >= count) {
        return;
      }
      Completion completion = new Completion(slot, System.nanoTime());
      CompletableFuture<ProbeResult> setup =
          probe.probe(source, destination, Optional.empty(), timeout);
      if (!setup.isDone()) {
        setup.whenComplete(completion);
        return;
      }
      try {
        completion.record(setup.join(), null);
      } catch (RuntimeException e) {
        completion.record(null, e);
      }
    }
  }

  /** Records one setup and starts the chain's next (one object per setup, no captured lambdas). */
  private final class Completion implements BiConsumer<ProbeResult, Throwable> {
    private final int slot;
    private final long began;

    Completion(int slot, long began) {
      this.slot = slot;
      this.began = began;
    }

    @Override
    public void accept(ProbeResult result, Throwable failure) {
      record(result, failure);
      next();
    }

    void record(ProbeResult result, Throwable failure) {
      if (failure == null) {
        micros[slot] = (System.nanoTime() - began) / 1000.0;
      } else {
        FailureKind kind = kindOf(failure);
        synchronized (failures) {
          failures.merge(kind, 1, Integer::sum);
        }
      }
      completed.incrementAndGet();
      if (progress != null) {
        progress.step();
      }
      done.countDown();
    }
  }

  private static FailureKind kindOf(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return cause instanceof EgressConnectException e ? e.kind() : FailureKind.SMTP_FAILED;
  }
}
