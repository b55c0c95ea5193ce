package dev.egresskit.core.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.cache.CacheSettings;
import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.HealthRules;
import dev.egresskit.core.model.PoolEntry;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.JavaPolicy;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.policy.SourceLookup;
import dev.egresskit.core.testing.MutableClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SourceResolverTest {
  private final MutableClock clock = new MutableClock();
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger sourceCalls = new AtomicInteger();
  private final AtomicInteger poolCalls = new AtomicInteger();
  private ExecutorService threads;

  @AfterEach
  void stopThreads() throws InterruptedException {
    if (threads != null) {
      threads.shutdownNow();
      assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private SourceResolver resolver(JavaPolicy policy) {
    return SourceResolver.builder(policy).clock(clock).meterRegistry(registry).build();
  }

  private static EgressSource source(String name, Duration ttl) {
    return new EgressSource(name, Optional.empty(), OptionalInt.empty(), ttl, HealthRules.NONE,
        new Route.Direct(Optional.empty()));
  }

  private JavaPolicy.Builder countingSources(Duration ttl) {
    return JavaPolicy.builder().scriptName("policy.java").onGetEgressSource(name -> {
      sourceCalls.incrementAndGet();
      return JavaPolicy.made(source(name, ttl));
    });
  }

  @Test
  void unspecifiedSourceAndPoolAreSynthesisedWithoutCallingThePolicy() {
    // spec case 52
    JavaPolicy policy = JavaPolicy.builder()
        .onGetEgressSource(name -> {
          throw new AssertionError("the handler must not be called for " + name);
        })
        .onGetEgressPool(name -> {
          throw new AssertionError("the handler must not be called for " + name);
        })
        .build();
    SourceResolver resolver = resolver(policy);

    assertThat(resolver.resolve("unspecified")).isEqualTo(EgressSource.named("unspecified"));
    assertThat(resolver.resolvePool("unspecified")).isEqualTo(EgressPool.unspecified());
    assertThat(resolver.resolvePool(null)).isEqualTo(EgressPool.unspecified());
    assertThat(resolver.invokeGetEgressPool(null)).isEqualTo(Map.of("name", "unspecified",
        "entries", List.of(Map.of("name", "unspecified", "weight", 1L)), "ttl", "1m"));
  }

  @Test
  void resolvedSourceIsCachedForItsOwnTtl() {
    SourceResolver resolver = resolver(countingSources(Duration.ofMinutes(5)).build());

    EgressSource first = resolver.resolve("ip-1");
    clock.advance(Duration.ofMinutes(5).minusNanos(1));
    assertThat(resolver.resolve("ip-1")).isSameAs(first);
    assertThat(sourceCalls).hasValue(1);
    clock.advance(Duration.ofNanos(1));
    resolver.resolve("ip-1");
    assertThat(sourceCalls).hasValue(2);
  }

  @Test
  void sourceWithTtlZeroReachesTheHandlerOnEveryLookup() {
    SourceResolver resolver = resolver(countingSources(Duration.ZERO).build());

    resolver.resolve("ip-1");
    resolver.resolve("ip-1");

    assertThat(sourceCalls).hasValue(2);
  }

  @Test
  void handlerErrorIsWrappedAndNotRetriedForSixtySeconds() {
    // spec case 51
    JavaPolicy policy = JavaPolicy.builder().scriptName("policy.java").onGetEgressSource(name -> {
      sourceCalls.incrementAndGet();
      throw new PolicyException("policy.lua:7: no such source " + name,
          new ScriptLocation("policy.lua", 7));
    }).build();
    SourceResolver resolver = resolver(policy);

    ResolutionException first = catchResolution(() -> resolver.resolve("ip-9"));
    assertThat(first).hasMessage("get_egress_source 'ip-9': policy.lua:7: no such source ip-9");
    assertThat(first.location()).contains(new ScriptLocation("policy.lua", 7));
    clock.advance(Duration.ofSeconds(59));
    assertThat(catchResolution(() -> resolver.resolve("ip-9"))).isSameAs(first);
    assertThat(sourceCalls).hasValue(1);

    clock.advance(Duration.ofSeconds(1));
    assertThat(catchResolution(() -> resolver.resolve("ip-9"))).isNotSameAs(first)
        .hasMessage(first.getMessage());
    assertThat(sourceCalls).hasValue(2);
  }

  @Test
  void negativeTtlComesFromTheCacheSettings() {
    JavaPolicy policy = JavaPolicy.builder().onGetEgressSource(name -> {
      sourceCalls.incrementAndGet();
      throw new IllegalStateException("down");
    }).build();
    SourceResolver resolver = SourceResolver.builder(policy).clock(clock)
        .cacheSettings(CacheSettings.DEFAULTS.withNegativeTtl(Duration.ofSeconds(5))).build();

    catchResolution(() -> resolver.resolve("a"));
    clock.advance(Duration.ofSeconds(5));
    catchResolution(() -> resolver.resolve("a"));

    assertThat(sourceCalls).hasValue(2);
  }

  @Test
  void javaExceptionInAHandlerKeepsItsMessage() {
    JavaPolicy policy = JavaPolicy.builder().onGetEgressSource(name -> {
      throw new IllegalStateException("database unreachable");
    }).build();

    assertThatThrownBy(() -> resolver(policy).resolve("a"))
        .isInstanceOf(ResolutionException.class)
        .hasMessage("get_egress_source 'a': database unreachable")
        .hasCauseInstanceOf(PolicyException.class);
  }

  @Test
  void sourceNamedDifferentlyFromTheRequestIsAnError() {
    JavaPolicy policy = JavaPolicy.builder().onGetEgressSource(
        name -> new Made<>(EgressSource.named("ip-2"), new ScriptLocation("policy.lua", 12)))
        .build();

    ResolutionException e = catchResolution(() -> resolver(policy).resolve("ip-1"));

    assertThat(e).hasMessage("get_egress_source 'ip-1': the get_egress_source handler returned"
        + " a value named 'ip-2' (built by make_egress_source at policy.lua:12); its name must be"
        + " the requested name 'ip-1'");
    assertThat(e.location()).contains(new ScriptLocation("policy.lua", 12));
  }

  @Test
  void handlerThatReturnsNothingGetsAHintAboutAMissingReturn() {
    JavaPolicy policy = JavaPolicy.builder().scriptName("policy.lua")
        .onGetEgressSource(name -> null).build();

    assertThatThrownBy(() -> resolver(policy).resolve("ip-1"))
        .isInstanceOf(ResolutionException.class)
        .hasMessage("get_egress_source 'ip-1': the get_egress_source handler in policy.lua"
            + " returned nothing; it must return the value built by kumo.make_egress_source"
            + " (is a 'return' missing?)");
  }

  @Test
  void withoutAHandlerTheStaticallyDefinedSourcesAreUsed() {
    EgressSource defined = source("ip-1", Duration.ofMinutes(1));
    SourceResolver resolver = resolver(JavaPolicy.builder().define(defined).build());

    assertThat(resolver.resolve("ip-1")).isSameAs(defined);
  }

  @Test
  void withoutAHandlerOrADefinitionTheEventIsNotRegistered() {
    SourceResolver resolver = resolver(JavaPolicy.builder().scriptName("empty.lua").build());

    assertThatThrownBy(() -> resolver.resolve("ip-1"))
        .hasMessage("get_egress_source 'ip-1': Event get_egress_source has not been registered,"
            + " and empty.lua defines no source named 'ip-1' with kumo.define_egress_source");
    assertThatThrownBy(() -> resolver.resolvePool("p"))
        .hasMessage("resolving egress pool 'p': Event get_egress_pool has not been registered");
  }

  @Test
  void handlerTakesPrecedenceOverStaticDefinitions() {
    EgressSource defined = source("ip-1", Duration.ofMinutes(2));
    SourceResolver resolver = resolver(countingSources(Duration.ofMinutes(1)).define(defined)
        .build());

    assertThat(resolver.resolve("ip-1").ttl()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void poolResolvesEverySourceAndIsCachedForItsTtl() {
    EgressPool pool = new EgressPool("p",
        List.of(new PoolEntry("ip-1", 1), new PoolEntry("ip-2", 0)), Duration.ofMinutes(2));
    SourceResolver resolver = resolver(countingSources(Duration.ofMinutes(10))
        .onGetEgressPool(name -> {
          poolCalls.incrementAndGet();
          return JavaPolicy.made(pool);
        }).build());

    assertThat(resolver.resolvePool("p")).isSameAs(pool);
    assertThat(sourceCalls).hasValue(2); // weight 0 entries are validated too
    clock.advance(Duration.ofMinutes(2).minusSeconds(1));
    resolver.resolvePool("p");
    assertThat(poolCalls).hasValue(1);
    clock.advance(Duration.ofSeconds(1));
    resolver.resolvePool("p");
    assertThat(poolCalls).hasValue(2);
    assertThat(sourceCalls).hasValue(2); // sources still cached
  }

  @Test
  void poolWithAnUnresolvableSourceFailsAsAWhole() {
    // spec §4.4
    JavaPolicy policy = JavaPolicy.builder()
        .onGetEgressSource(name -> {
          if (name.equals("bad")) {
            throw new PolicyException("policy.lua:3: unknown source bad", null);
          }
          return JavaPolicy.made(EgressSource.named(name));
        })
        .onGetEgressPool(name -> JavaPolicy.made(new EgressPool(name,
            List.of(new PoolEntry("good", 1), new PoolEntry("bad", 1)), Duration.ofMinutes(1))))
        .build();

    assertThatThrownBy(() -> resolver(policy).resolvePool("p"))
        .isInstanceOf(ResolutionException.class)
        .hasMessage("resolving egress pool 'p': get_egress_source 'bad': policy.lua:3: unknown"
            + " source bad");
  }

  @Test
  void poolHandlerProblemsArePrefixedWithThePool() {
    JavaPolicy nothing = JavaPolicy.builder().scriptName("policy.js")
        .onGetEgressPool(name -> null).build();
    JavaPolicy renamed = JavaPolicy.builder().onGetEgressPool(
        name -> JavaPolicy.made(new EgressPool("other", List.of(), Duration.ofMinutes(1))))
        .build();

    assertThatThrownBy(() -> resolver(nothing).resolvePool("p"))
        .hasMessageStartingWith("resolving egress pool 'p': the get_egress_pool handler in"
            + " policy.js returned nothing")
        .hasMessageContaining("kumo.make_egress_pool");
    assertThatThrownBy(() -> resolver(renamed).resolvePool("p"))
        .hasMessageStartingWith("resolving egress pool 'p': the get_egress_pool handler returned"
            + " a value named 'other'");
  }

  @Test
  void emptyPoolIsLegal() {
    EgressPool empty = new EgressPool("empty", List.of(), Duration.ofMinutes(1));
    SourceResolver resolver = resolver(
        JavaPolicy.builder().onGetEgressPool(name -> JavaPolicy.made(empty)).build());

    assertThat(resolver.resolvePool("empty")).isSameAs(empty);
  }

  @Test
  void invokeGetEgressSourceReturnsTheSerialisedViewThroughTheCache() throws Exception {
    EgressSource socks = new EgressSource("ip-1", Optional.of("mta.example.com"),
        OptionalInt.empty(), Duration.ofMinutes(5), HealthRules.NONE,
        new Route.Socks5(new dev.egresskit.core.model.ProxyServer.HostName("proxy.example", 1080),
            Optional.of(InetAddress.getByName("10.0.0.1")),
            Optional.of(new dev.egresskit.core.model.Socks5Credentials("user",
                new dev.egresskit.core.model.Secret.Inline("s3cret"))),
            Optional.empty()));
    SourceResolver resolver = resolver(JavaPolicy.builder().onGetEgressSource(name -> {
      sourceCalls.incrementAndGet();
      return JavaPolicy.made(socks);
    }).build());

    Map<String, Object> view = resolver.invokeGetEgressSource("ip-1");
    resolver.invokeGetEgressSource("ip-1");

    assertThat(view).containsExactly(
        Map.entry("name", "ip-1"),
        Map.entry("ehlo_domain", "mta.example.com"),
        Map.entry("socks5_proxy_server", "proxy.example:1080"),
        Map.entry("socks5_proxy_source_address", "10.0.0.1"),
        Map.entry("socks5_proxy_username", "user"),
        Map.entry("socks5_proxy_password", "<redacted>"),
        Map.entry("ttl", "5m"));
    assertThat(view.toString()).doesNotContain("s3cret");
    assertThat(sourceCalls).hasValue(1);
  }

  @Test
  void handlerMayLookUpOtherSourcesThroughTheResolver() {
    JavaPolicy policy = JavaPolicy.builder().onGetEgressSource((name, lookup) -> {
      if (name.equals("alias")) {
        Map<String, Object> real = lookup.invokeGetEgressSource("real");
        return JavaPolicy.made(new EgressSource("alias", Optional.of((String) real.get("name")),
            OptionalInt.empty(), Duration.ofMinutes(1), HealthRules.NONE,
            new Route.Direct(Optional.empty())));
      }
      return JavaPolicy.made(EgressSource.named(name));
    }).build();

    assertThat(resolver(policy).resolve("alias").ehloDomain()).contains("real");
  }

  @Test
  void mutualRecursionOnOneThreadIsReportedInsteadOfOverflowingTheStack() {
    JavaPolicy policy = JavaPolicy.builder().onGetEgressSource((name, lookup) -> {
      lookup.invokeGetEgressSource(name.equals("a") ? "b" : "a");
      return JavaPolicy.made(EgressSource.named(name));
    }).build();

    assertThatThrownBy(() -> resolver(policy).resolve("a"))
        .isInstanceOf(ResolutionException.class)
        .hasMessage("get_egress_source 'a': get_egress_source 'b': get_egress_source 'a':"
            + " recursive lookup: get_egress_source 'a' -> get_egress_source 'b' ->"
            + " get_egress_source 'a'");
  }

  @Test
  void sourceLookingUpItselfIsReported() {
    JavaPolicy policy = JavaPolicy.builder().onGetEgressSource((name, lookup) -> {
      lookup.invokeGetEgressSource(name);
      return JavaPolicy.made(EgressSource.named(name));
    }).build();

    assertThatThrownBy(() -> resolver(policy).resolve("self"))
        .hasMessage("get_egress_source 'self': get_egress_source 'self': recursive lookup:"
            + " get_egress_source 'self' -> get_egress_source 'self'");
  }

  @Test
  void recursionThroughAPoolIsReported() {
    JavaPolicy policy = JavaPolicy.builder()
        .onGetEgressSource((name, lookup) -> {
          lookup.invokeGetEgressPool("p");
          return JavaPolicy.made(EgressSource.named(name));
        })
        .onGetEgressPool(name -> JavaPolicy.made(
            new EgressPool(name, List.of(new PoolEntry("s", 1)), Duration.ofMinutes(1))))
        .build();

    assertThatThrownBy(() -> resolver(policy).resolvePool("p"))
        .hasMessage("resolving egress pool 'p': get_egress_source 's': resolving egress pool"
            + " 'p': recursive lookup: get_egress_pool 'p' -> get_egress_source 's' ->"
            + " get_egress_pool 'p'");
  }

  @Test
  void lookupCycleAcrossThreadsFailsInsteadOfDeadlocking() throws Exception {
    CyclicBarrier bothLoading = new CyclicBarrier(2);
    JavaPolicy policy = JavaPolicy.builder().onGetEgressSource((name, lookup) -> {
      try {
        // a and b are both being loaded, each on its own thread, before either looks up the other
        bothLoading.await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      lookup.invokeGetEgressSource(name.equals("a") ? "b" : "a");
      return JavaPolicy.made(EgressSource.named(name));
    }).build();
    SourceResolver resolver = resolver(policy);
    threads = Executors.newFixedThreadPool(2);

    Future<Throwable> a = threads.submit(() -> catchResolution(() -> resolver.resolve("a")));
    Future<Throwable> b = threads.submit(() -> catchResolution(() -> resolver.resolve("b")));

    List<String> messages = List.of(a.get(10, TimeUnit.SECONDS).getMessage(),
        b.get(10, TimeUnit.SECONDS).getMessage());
    assertThat(messages).allSatisfy(m -> assertThat(m).contains("lookup cycle across threads"));
    assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("get_egress_source 'a': "));
    assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("get_egress_source 'b': "));
  }

  @Test
  void recursionIsCaughtWhenTheEngineRunsHandlersOnOtherThreads() {
    JavaPolicy handlers = JavaPolicy.builder().onGetEgressSource((name, lookup) -> {
      lookup.invokeGetEgressSource(name.equals("a") ? "b" : "a");
      return JavaPolicy.made(EgressSource.named(name));
    }).build();
    threads = Executors.newCachedThreadPool();
    PolicyEngine offThread = new OffThreadEngine(handlers, threads);

    assertThatThrownBy(() -> SourceResolver.builder(offThread).clock(clock).build().resolve("a"))
        .isInstanceOf(ResolutionException.class)
        .hasMessageEndingWith("recursive lookup: get_egress_source 'a' -> get_egress_source 'b'"
            + " -> get_egress_source 'a'");
  }

  /** An engine that runs each handler on a worker thread, as one enforcing a deadline might. */
  private static final class OffThreadEngine implements PolicyEngine {
    private final PolicyEngine delegate;
    private final ExecutorService workers;

    OffThreadEngine(PolicyEngine delegate, ExecutorService workers) {
      this.delegate = delegate;
      this.workers = workers;
    }

    @Override
    public String scriptName() {
      return delegate.scriptName();
    }

    @Override
    public boolean hasHandler(Hook<?> hook) {
      return delegate.hasHandler(hook);
    }

    @Override
    public <T> Made<T> invoke(Hook<T> hook, String argument, SourceLookup lookup) {
      Future<Made<T>> call = workers.submit(() -> delegate.invoke(hook, argument, lookup));
      try {
        return call.get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw (RuntimeException) e.getCause();
      } catch (Exception e) {
        throw new IllegalStateException("handler did not finish", e);
      }
    }

    @Override
    public Map<String, Made<EgressSource>> definedSources() {
      return delegate.definedSources();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  @Test
  void sixtyFourThreadsMissingTheSameSourceRunTheHandlerOnce() throws Exception {
    int count = 64;
    CountDownLatch release = new CountDownLatch(1);
    JavaPolicy policy = JavaPolicy.builder().onGetEgressSource(name -> {
      sourceCalls.incrementAndGet();
      try {
        assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return JavaPolicy.made(EgressSource.named(name));
    }).build();
    SourceResolver resolver = resolver(policy);
    threads = Executors.newFixedThreadPool(count);
    CyclicBarrier start = new CyclicBarrier(count);
    List<Future<EgressSource>> results = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      results.add(threads.submit(() -> {
        start.await(10, TimeUnit.SECONDS);
        return resolver.resolve("ip-1");
      }));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (waiting() < count - 1 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(waiting()).isEqualTo(count - 1);
    release.countDown();

    EgressSource first = results.get(0).get(10, TimeUnit.SECONDS);
    for (Future<EgressSource> result : results) {
      assertThat(result.get(10, TimeUnit.SECONDS)).isSameAs(first);
    }
    assertThat(sourceCalls).hasValue(1);
  }

  private double waiting() {
    return registry.get("lruttl_waiting_populate")
        .tag("cache_name", SourceResolver.SOURCE_CACHE_NAME).gauge().value();
  }

  @Test
  void cacheMetersCarryKumoMtaCacheNames() {
    SourceResolver resolver = resolver(countingSources(Duration.ofMinutes(1))
        .onGetEgressPool(name -> JavaPolicy.made(
            new EgressPool(name, List.of(new PoolEntry("ip-1", 1)), Duration.ofMinutes(1))))
        .build());

    resolver.resolvePool("p");
    resolver.resolve("ip-1");

    // The counts are read by function counters; lookups are hits plus misses.
    assertThat(registry.get("lruttl_lookup_count").tag("cache_name", "egress_source_sources")
        .functionCounter().count()).isEqualTo(2);
    assertThat(registry.get("lruttl_hit_count").tag("cache_name", "egress_source_sources")
        .functionCounter().count()).isEqualTo(1);
    assertThat(registry.get("lruttl_lookup_count").tag("cache_name", "egress_source_pools")
        .functionCounter().count()).isEqualTo(1);
  }

  @Test
  void uncachedImplementationIsChosenByName() {
    SourceResolver resolver = SourceResolver.builder(countingSources(Duration.ofHours(1)).build())
        .clock(clock).cacheSettings(CacheSettings.DEFAULTS.withImplementation("uncached")).build();

    resolver.resolve("ip-1");
    resolver.resolve("ip-1");

    assertThat(sourceCalls).hasValue(2);
  }

  @Test
  void unknownCacheImplementationIsRejectedWhenBuilding() {
    assertThatThrownBy(() -> SourceResolver.builder(JavaPolicy.builder().build())
        .cacheSettings(CacheSettings.DEFAULTS.withImplementation("nope")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no source cache implementation named 'nope'");
  }

  @Test
  void invalidateAllForgetsCachedSourcesAndFailures() {
    SourceResolver resolver = resolver(countingSources(Duration.ofHours(1)).build());
    resolver.resolve("ip-1");
    resolver.invalidateAll();
    resolver.resolve("ip-1");

    assertThat(sourceCalls).hasValue(2);
  }

  private static ResolutionException catchResolution(Runnable action) {
    try {
      action.run();
    } catch (ResolutionException e) {
      return e;
    }
    throw new AssertionError("expected a ResolutionException");
  }
}
