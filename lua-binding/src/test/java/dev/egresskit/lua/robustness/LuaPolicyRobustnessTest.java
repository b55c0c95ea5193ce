package dev.egresskit.lua.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.egresskit.core.cache.CacheSettings;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.lua.LuaPolicyEngineProvider;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and broken Lua policies, end to end through {@link SourceResolver}: runaway and
 * recursive handlers, unbounded allocation, sandbox escapes, lookup cycles, and a data file that
 * goes missing, is replaced or is corrupted while the policy runs.
 */
class LuaPolicyRobustnessTest {
  private static final Duration DEADLINE = Duration.ofMillis(300);
  @TempDir Path dir;
  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private PolicyEngine engine;

  @AfterEach
  void stop() throws Exception {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    if (engine != null) {
      engine.close();
    }
  }

  private SourceResolver resolver(String policy) throws IOException {
    return resolver(policy, new SimpleMeterRegistry(), Ticker.systemTicker(),
        CacheSettings.DEFAULTS.withNegativeTtl(Duration.ZERO));
  }

  private SourceResolver resolver(String policy, SimpleMeterRegistry registry, Ticker ticker,
      CacheSettings cache) throws IOException {
    Path script = Files.writeString(dir.resolve("policy.lua"), policy);
    engine = new LuaPolicyEngineProvider().load(script, new PolicySettings(2, DEADLINE));
    return SourceResolver.builder(engine).meterRegistry(registry).ticker(ticker)
        .cacheSettings(cache).build();
  }

  private static final String DISPATCH = "kumo.on('get_egress_source', function(name)\n"
      + "  if name == 'spin' then while true do end end\n"
      + "  if name == 'spin-pcall' then while true do pcall(function() while true do end end) end end\n"
      + "  if name == 'deep' then local function f(n) return 1 + f(n + 1) end return f(1) end\n"
      + "  if name == 'hog' then local t = {} while true do t[#t + 1] = {name, #t} end end\n"
      + "  return kumo.make_egress_source{name = name, source_address = '127.0.0.2'}\n"
      + "end)\n";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"spin", "spin-pcall", "hog"})
  void aRunawayHandlerIsStoppedAtTheDeadlineWithAnErrorNamingItWhileOtherNamesResolve(
      String runaway) throws Exception {
    SourceResolver resolver = resolver(DISPATCH);
    long start = System.nanoTime();
    CompletableFuture<EgressSource> stuck =
        CompletableFuture.supplyAsync(() -> resolver.resolve(runaway), pool);
    // Meanwhile the other interpreter of the pool keeps answering.
    for (int i = 0; i < 20; i++) {
      assertThat(resolver.resolve("ip-" + i).name()).isEqualTo("ip-" + i);
    }
    assertThatThrownBy(() -> stuck.get(10, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(RuntimeException.class)
        .rootCause().hasMessageContaining("get_egress_source handler")
        .hasMessageContaining("'" + runaway + "'")
        .hasMessageContaining("did not finish within 300ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    // The stopped interpreter was replaced: both pool slots answer again.
    List<CompletableFuture<EgressSource>> after = List.of(
        CompletableFuture.supplyAsync(() -> resolver.resolve("after-1"), pool),
        CompletableFuture.supplyAsync(() -> resolver.resolve("after-2"), pool));
    for (CompletableFuture<EgressSource> f : after) {
      assertThat(f.get(10, TimeUnit.SECONDS).sourceAddress()).isPresent();
    }
  }

  @Test
  void endlessRecursionIsAnErrorNotAStackOverflowOfTheCaller() throws Exception {
    SourceResolver resolver = resolver(DISPATCH);
    assertThatThrownBy(() -> resolver.resolve("deep")).isInstanceOf(RuntimeException.class)
        .isNotInstanceOf(StackOverflowError.class).hasMessageContaining("deep");
    assertThat(resolver.resolve("ip-1").name()).isEqualTo("ip-1");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "luajava.bindClass('java.lang.System')",
      "luajava.newInstance('java.io.File', '/')",
      "io.open('/etc/passwd')",
      "io.popen('id')",
      "os.execute('id')",
      "os.exit(1)",
      "os.remove('policy.lua')",
      "load(string.dump(function() return 1 end))()",
      "string.dump(print)",
      "debug.getinfo(1)",
      "debug.sethook()",
      "dofile('/etc/passwd')",
      "loadfile('/etc/passwd')",
      "require('io')",
      "package.loadlib('libc.so.6', 'system')",
      "collectgarbage('count')",
      "load('\\27LuaQ')()",
      "getmetatable(kumo).__index",
      "rawset(kumo, 'make_egress_source', print)",
      "string.rep('x', 2^30)",
      "('ab'):rep(2^40, ',')",
      "setmetatable(kumo, {__index = function() return print end})",
      "(function() kumo.make_egress_source = print end)()",
  })
  void aSandboxEscapeAttemptFailsWithAClearErrorAndTheSandboxStaysIntact(String attempt)
      throws Exception {
    SourceResolver resolver = resolver("kumo.on('get_egress_source', function(name)\n"
        + "  if name == 'escape' then\n"
        + "    local r = " + attempt + "\n"
        + "    error('escape succeeded: ' .. tostring(r))\n"
        + "  end\n"
        + "  return kumo.make_egress_source{name = name, ehlo_domain = string.rep('a', 3)}\n"
        + "end)\n");
    assertThatThrownBy(() -> resolver.resolve("escape"))
        .isInstanceOf(RuntimeException.class)
        .hasMessageContaining("policy.lua:3")
        .hasMessageNotContaining("escape succeeded");
    // Whatever the attempt touched, the next lookup sees an intact kumo module and string library.
    assertThat(resolver.resolve("after").ehloDomain()).contains("aaa");
  }

  @Test
  void mutualRecursionThroughInvokeGetEgressSourceIsReportedNotADeadlock() throws Exception {
    SourceResolver resolver = resolver("kumo.on('get_egress_source', function(name)\n"
        + "  if name == 'a' then return kumo.invoke_get_egress_source('b') end\n"
        + "  if name == 'b' then return kumo.invoke_get_egress_source('a') end\n"
        + "  return kumo.make_egress_source{name = name}\n"
        + "end)\n");
    CompletableFuture<EgressSource> cycle =
        CompletableFuture.supplyAsync(() -> resolver.resolve("a"), pool);
    assertThatThrownBy(() -> cycle.get(10, TimeUnit.SECONDS))
        .rootCause().hasMessageContaining("a").hasMessageContaining("b")
        .satisfies(e -> assertThat(e.getMessage().toLowerCase()).containsAnyOf("cycle", "recurs"));
    assertThat(resolver.resolve("c").name()).isEqualTo("c");
  }

  @Test
  void aDataFileMissingThenReplacedThenCorruptIsFollowedOnTtlExpiryAndServedStaleWhenBroken()
      throws Exception {
    AtomicLong nanos = new AtomicLong();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SourceResolver resolver = resolver("kumo.on('get_egress_source', function(name)\n"
        + "  local d = kumo.json_load('sources.json')\n"
        + "  return kumo.make_egress_source{name = name, ehlo_domain = d[name], ttl = '10s'}\n"
        + "end)\n", registry, nanos::get, CacheSettings.DEFAULTS.withNegativeTtl(Duration.ZERO)
            .withStaleGrace(Duration.ofMinutes(1)));
    Path data = dir.resolve("sources.json");

    // Missing: a clear error naming the file.
    assertThatThrownBy(() -> resolver.resolve("ip-1")).hasMessageContaining("sources.json");

    Files.writeString(data, "{\"ip-1\": \"v1.example\"}");
    assertThat(resolver.resolve("ip-1").ehloDomain()).contains("v1.example");

    // Replaced while running: the cached value holds until its TTL, then the new file wins.
    Files.writeString(data, "{\"ip-1\": \"v2.example\"}");
    nanos.addAndGet(Duration.ofSeconds(9).toNanos());
    assertThat(resolver.resolve("ip-1").ehloDomain()).contains("v1.example");
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(resolver.resolve("ip-1").ehloDomain()).contains("v2.example");

    // Corrupt refresh: the stale value is served and the meter reports it.
    Files.writeString(data, "{\"ip-1\": ");
    nanos.addAndGet(Duration.ofSeconds(11).toNanos());
    assertThat(resolver.resolve("ip-1").ehloDomain()).contains("v2.example");
    assertThat(stale(registry)).isGreaterThanOrEqualTo(1);

    // Deleted: still stale within the grace period...
    Files.delete(data);
    nanos.addAndGet(Duration.ofSeconds(11).toNanos());
    assertThat(resolver.resolve("ip-1").ehloDomain()).contains("v2.example");
    // ...and an error naming the file once the grace is over.
    nanos.addAndGet(Duration.ofMinutes(2).toNanos());
    assertThatThrownBy(() -> resolver.resolve("ip-1")).hasMessageContaining("sources.json");

    // Fixed again: back to normal.
    Files.writeString(data, "{\"ip-1\": \"v3.example\"}");
    assertThat(resolver.resolve("ip-1").ehloDomain()).contains("v3.example");
  }

  private static double stale(SimpleMeterRegistry registry) {
    return Search.in(registry).name("lruttl_stale_count").functionCounters().stream()
        .mapToDouble(c -> c.count()).sum();
  }
}
