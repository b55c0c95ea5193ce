package dev.egresskit.lua.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.cache.CacheSettings;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.lua.LuaPolicyEngineProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Work inside one Lua library call, which the instruction hook cannot see: catastrophic
 * patterns, a {@code load} reader that never ends, and strings built past the sandbox's 16 MiB
 * limit by {@code table.concat}, {@code gsub}, {@code string.format} and others. Each ends as an
 * error naming the script line (at the handler deadline, or at once for a size), never a JVM
 * crash, and the process keeps resolving names afterwards.
 */
class LuaLibraryBoundsRobustnessTest {
  private static final Duration DEADLINE = Duration.ofMillis(300);
  private static final String STOPPED = "did not finish within 300ms";
  private static final String TOO_LARGE = "larger than the sandbox's limit of 16777216 bytes";

  /** Attack name to its Lua statement; each gets its own line of the policy, from line 2. */
  private static final Map<String, String> ATTACKS = new LinkedHashMap<>();

  static {
    ATTACKS.put("find", "string.find(string.rep('a', 40), string.rep('a*', 40) .. 'b')");
    ATTACKS.put("match", "string.match(string.rep('a', 40), string.rep('a-', 40) .. 'b')");
    ATTACKS.put("gmatch", "for m in string.rep('a', 40):gmatch(string.rep('a?', 40) .. 'b') do end");
    ATTACKS.put("gsub", "string.gsub(string.rep('a', 40), string.rep('(a*)', 20) .. 'b', '')");
    ATTACKS.put("balance", "string.rep('(', 2^20):find('%b()')");
    ATTACKS.put("load-lua-reader", "load(function() return ' ' end)");
    ATTACKS.put("load-java-reader", "load(os.clock)");
    ATTACKS.put("concat", "local t = {} for i = 1, 17 do t[i] = string.rep('x', 2^20) end"
        + " table.concat(t)");
    ATTACKS.put("gsub-size", "string.gsub(string.rep('x', 2^10), 'x', string.rep('y', 2^14 + 1))");
    ATTACKS.put("format", "string.format('%s%s', string.rep('x', 2^23), string.rep('x', 2^23))");
    ATTACKS.put("rep", "string.rep('abc', 2^40, ',')");
    ATTACKS.put("doubling", "local s = 'x' for i = 1, 64 do s = s .. s end");
    ATTACKS.put("unpack", "table.unpack({}, 1, 2^31)");
    ATTACKS.put("byte", "string.byte(string.rep('x', 2^22), 1, -1)");
    ATTACKS.put("print", "print(string.rep('x', 2^23), string.rep('y', 2^23))");
  }

  /** What each attack's error says besides its line. */
  private static String expected(String attack) {
    return switch (attack) {
      case "unpack" -> "too many results to unpack";
      case "byte" -> "string slice too long";
      case "find", "match", "gmatch", "gsub", "balance", "load-lua-reader" -> STOPPED;
      case "load-java-reader" -> ""; // the deadline or the size, whichever it reaches first
      default -> TOO_LARGE;
    };
  }

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

  private PolicyEngine load(String policy) throws IOException {
    Path script = Files.writeString(dir.resolve("policy.lua"), policy);
    engine = new LuaPolicyEngineProvider().load(script, new PolicySettings(2, DEADLINE));
    return engine;
  }

  private static String dispatchPolicy() {
    StringBuilder lua = new StringBuilder("local attacks = {}\n");
    for (Map.Entry<String, String> attack : ATTACKS.entrySet()) {
      lua.append("attacks['").append(attack.getKey()).append("'] = function() ")
          .append(attack.getValue()).append(" end\n");
    }
    return lua.append("kumo.on('get_egress_source', function(name)\n")
        .append("  if attacks[name] then attacks[name]() end\n")
        .append("  return kumo.make_egress_source{name = name, source_address = '127.0.0.2'}\n")
        .append("end)\n").toString();
  }

  private static int line(String attack) {
    return List.copyOf(ATTACKS.keySet()).indexOf(attack) + 2;
  }

  @Test
  void everyAttackEndsAsAnErrorNamingItsLineAndTheJvmKeepsResolving() throws Exception {
    SourceResolver resolver = SourceResolver.builder(load(dispatchPolicy()))
        .cacheSettings(CacheSettings.DEFAULTS.withNegativeTtl(Duration.ZERO)).build();
    for (String attack : ATTACKS.keySet()) {
      CompletableFuture<?> call =
          CompletableFuture.supplyAsync(() -> resolver.resolve(attack), pool);
      assertThatThrownBy(() -> call.get(20, TimeUnit.SECONDS)).as(attack)
          .cause().hasMessageContaining("policy.lua:" + line(attack) + ":")
          .hasMessageContaining(expected(attack));
      assertThat(resolver.resolve("after-" + attack).sourceAddress()).as(attack).isPresent();
    }
    // Every attack ran in this JVM: it is still here, with both interpreters answering.
    List<CompletableFuture<String>> after = List.of(
        CompletableFuture.supplyAsync(() -> resolver.resolve("normal-1").name(), pool),
        CompletableFuture.supplyAsync(() -> resolver.resolve("normal-2").name(), pool));
    assertThat(after.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("normal-1");
    assertThat(after.get(1).get(10, TimeUnit.SECONDS)).isEqualTo("normal-2");
  }

  private CompletableFuture<PolicyEngine> loadAsync(String policy) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return load(policy);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, pool);
  }

  @Test
  void aCatastrophicPatternAtLoadTimeStopsAtTheDeadlineNamingTheLine() {
    CompletableFuture<PolicyEngine> loading = loadAsync("local ok = true\n"
        + "local found = string.find(string.rep('a', 40), string.rep('a*', 40) .. 'b')\n");
    assertThatThrownBy(() -> loading.get(20, TimeUnit.SECONDS))
        .cause().isInstanceOf(PolicyException.class)
        .hasMessageContaining("policy.lua:2:")
        .hasMessageContaining("the top level of policy.lua " + STOPPED);
  }

  @Test
  void aLoadReaderThatNeverEndsAtLoadTimeIsStopped() {
    CompletableFuture<PolicyEngine> loading =
        loadAsync("\n\nlocal f = load(function() return 'x = 1 ' end)\n");
    assertThatThrownBy(() -> loading.get(20, TimeUnit.SECONDS))
        .cause().isInstanceOf(PolicyException.class)
        .hasMessageContaining("policy.lua:3:");
  }
}
