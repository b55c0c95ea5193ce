package dev.egresskit.lua;

import dev.egresskit.core.policy.support.PooledPolicyEngine;
import static org.assertj.core.api.Assertions.assertThat;

import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.SourceLookup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterpreterPoolConcurrencyTest {
  @TempDir Path dir;

  /** Every handler asks the lookup once: the lookup sees how many handlers run at once. */
  private static final String POLICY = "kumo.on('get_egress_source', function(name)\n"
      + "  local v = kumo.invoke_get_egress_source('probe-' .. name)\n"
      + "  assert(v.name == 'probe-' .. name)\n"
      + "end)\n";

  /** A lookup that holds each caller until {@code parties} callers are inside at once. */
  private static final class Rendezvous implements SourceLookup {
    final CountDownLatch allInside;
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger maxInside = new AtomicInteger();

    Rendezvous(int parties) {
      allInside = new CountDownLatch(parties);
    }

    @Override
    public Map<String, Object> invokeGetEgressSource(String name) {
      maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
      allInside.countDown();
      try {
        allInside.await(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      inside.decrementAndGet();
      return Map.of("name", name, "ttl", "1m");
    }

    @Override
    public Map<String, Object> invokeGetEgressPool(String name) {
      throw new AssertionError();
    }
  }

  private int runConcurrently(PolicyEngine engine, int callers, SourceLookup lookup)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Object>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        String name = "ip-" + i;
        results.add(pool.submit(() -> engine.invoke(Hook.GET_EGRESS_SOURCE, name, lookup)));
      }
      for (Future<Object> f : results) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isNull();
      }
      return callers;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentCallsForDifferentNamesRunInParallelOnSeparateInterpreters() throws Exception {
    Rendezvous lookup = new Rendezvous(4);
    try (PolicyEngine engine = Policies.load(dir, POLICY,
        new PolicySettings(4, Duration.ofSeconds(5)))) {
      runConcurrently(engine, 4, lookup);
      assertThat(lookup.allInside.getCount()).isZero();
      assertThat(lookup.maxInside.get()).isEqualTo(4);
      assertThat(((PooledPolicyEngine<?>) engine).interpretersLoaded()).isEqualTo(4);
    }
  }

  @Test
  void thePoolSizeBoundsHowManyHandlersRunAtOnce() throws Exception {
    Rendezvous lookup = new Rendezvous(6);
    try (PolicyEngine engine = Policies.load(dir, POLICY,
        new PolicySettings(2, Duration.ofSeconds(5)))) {
      runConcurrently(engine, 6, lookup);
      assertThat(lookup.maxInside.get()).isEqualTo(2);
      assertThat(((PooledPolicyEngine<?>) engine).interpretersLoaded()).isEqualTo(2);
    }
  }

  @Test
  void aNestedLookupOnTheSameThreadReusesTheHeldInterpreter() {
    try (PolicyEngine engine = Policies.load(dir, "kumo.on('get_egress_source', function(name)\n"
        + "  if name == 'outer' then\n"
        + "    local inner = kumo.invoke_get_egress_source('inner')\n"
        + "    assert(inner.name == 'inner')\n"
        + "  end\n"
        + "end)\n", new PolicySettings(1, Duration.ofSeconds(5)))) {
      AtomicReference<SourceLookup> self = new AtomicReference<>();
      SourceLookup nested = new SourceLookup() {
        @Override
        public Map<String, Object> invokeGetEgressSource(String name) {
          assertThat(engine.invoke(Hook.GET_EGRESS_SOURCE, name, self.get())).isNull();
          return Map.of("name", name);
        }

        @Override
        public Map<String, Object> invokeGetEgressPool(String name) {
          throw new AssertionError();
        }
      };
      self.set(nested);
      assertThat(engine.invoke(Hook.GET_EGRESS_SOURCE, "outer", nested)).isNull();
      assertThat(((PooledPolicyEngine<?>) engine).interpretersLoaded()).isEqualTo(1);
    }
  }

  @Test
  void interpretersDoNotShareGlobals() throws Exception {
    // Each handler counts its calls in a global: with two interpreters, no count exceeds the
    // calls made on that interpreter, and the counts add up.
    try (PolicyEngine engine = Policies.load(dir, "calls = 0\n"
        + "kumo.on('get_egress_source', function(name)\n"
        + "  calls = calls + 1\n"
        + "  local v = kumo.invoke_get_egress_source(name)\n"
        + "end)\n", new PolicySettings(2, Duration.ofSeconds(5)))) {
      Rendezvous lookup = new Rendezvous(2);
      runConcurrently(engine, 2, lookup);
      assertThat(lookup.maxInside.get()).isEqualTo(2);
    }
  }
}
