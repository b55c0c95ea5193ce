package dev.egresskit.js.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.cache.CacheSettings;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.js.JsPolicyEngineProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile JavaScript policies end to end through {@link SourceResolver}: runaway handlers,
 * sandbox escape attempts, endless recursion and lookup cycles.
 */
class JsPolicyRobustnessTest {
  @TempDir Path dir;
  private final ExecutorService pool = Executors.newFixedThreadPool(1);
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
    return resolver(policy, Duration.ofSeconds(5));
  }

  private SourceResolver resolver(String policy, Duration deadline) throws IOException {
    Path script = Files.writeString(dir.resolve("policy.js"), policy);
    engine = new JsPolicyEngineProvider().load(script, new PolicySettings(2, deadline));
    return SourceResolver.builder(engine)
        .cacheSettings(CacheSettings.DEFAULTS.withNegativeTtl(Duration.ZERO)).build();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"for (;;) {}", "while (true) { var x = [1, 2, 3].map(String); }",
      "var f = function () { for (;;) {} }; f();",
      "var kept = []; for (;;) { kept.push('entry ' + kept.length); }"})
  void aRunawayHandlerIsStoppedAtTheDeadlineAndOtherNamesKeepResolving(String loop)
      throws Exception {
    SourceResolver resolver = resolver("kumo.on('get_egress_source', function (name) {\n"
        + "  if (name === 'spin') { " + loop + " }\n"
        + "  return kumo.make_egress_source({ name: name, ehlo_domain: 'ok.example' });\n"
        + "});\n", Duration.ofMillis(300));
    CompletableFuture<EgressSource> spinning =
        CompletableFuture.supplyAsync(() -> resolver.resolve("spin"), pool);

    // While it spins, the other interpreter of the pool keeps answering.
    for (int i = 0; i < 5; i++) {
      assertThat(resolver.resolve("other-" + i).ehloDomain()).contains("ok.example");
    }
    assertThatThrownBy(() -> spinning.get(10, TimeUnit.SECONDS))
        .cause().hasMessageContaining("get_egress_source 'spin'")
        .hasMessageContaining("policy.js:2: get_egress_source handler for 'spin' did not finish"
            + " within 300ms (the policy handler deadline) and was stopped");
    // The stopped interpreter was replaced: both pool slots answer again.
    List<CompletableFuture<EgressSource>> after = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String name = "after-" + i;
      after.add(CompletableFuture.supplyAsync(() -> resolver.resolve(name)));
    }
    for (CompletableFuture<EgressSource> f : after) {
      assertThat(f.get(10, TimeUnit.SECONDS).ehloDomain()).contains("ok.example");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "Java.type('java.lang.System')",
      "Java.type('java.lang.Runtime').getRuntime().exec('id')",
      "Packages.java.lang.System.getenv()",
      "java.lang.System.exit(1)",
      "javax.script.ScriptEngineManager",
      "load('nashorn:mozilla_compat.js')",
      "load('/etc/passwd')",
      "loadWithNewGlobal({script: 'this', name: 'x'})",
      "exit(1)",
      "quit(1)",
      "engine.getFactory()",
      "context.getBindings(100)",
      "Java.extend(Java.type('java.lang.Thread'))",
      "Object.getPrototypeOf(kumo).constructor.constructor('return Java')().type('java.io.File')",
      "kumo.make_egress_source.getClass().forName('java.lang.System')",
      "(function(){ return this; })().Java.type('java.lang.System')",
      "'x'.repeat(Math.pow(2, 30))",
      "new Array(Math.pow(2, 31) - 1).join('x')",
  })
  void aSandboxEscapeAttemptFailsAndTheNextLookupStillWorks(String attempt) throws Exception {
    SourceResolver resolver = resolver("kumo.on('get_egress_source', function (name) {\n"
        + "  if (name === 'escape') {\n"
        + "    var r = " + attempt + ";\n"
        + "    throw new Error('escape succeeded: ' + r);\n"
        + "  }\n"
        + "  return kumo.make_egress_source({ name: name, ehlo_domain: 'ok.example' });\n"
        + "});\n");
    assertThatThrownBy(() -> resolver.resolve("escape")).isInstanceOf(RuntimeException.class)
        .hasMessageContaining("get_egress_source 'escape'")
        .hasMessageNotContaining("escape succeeded");
    assertThat(resolver.resolve("after").ehloDomain()).contains("ok.example");
  }

  @Test
  void endlessRecursionIsAnErrorNotAStackOverflowOfTheCaller() throws Exception {
    SourceResolver resolver = resolver("function f(n) { return 1 + f(n + 1); }\n"
        + "kumo.on('get_egress_source', function (name) {\n"
        + "  if (name === 'deep') { return f(1); }\n"
        + "  return kumo.make_egress_source({ name: name });\n"
        + "});\n");
    assertThatThrownBy(() -> resolver.resolve("deep")).isInstanceOf(RuntimeException.class)
        .hasMessageContaining("deep");
    assertThat(resolver.resolve("ip-1").name()).isEqualTo("ip-1");
  }

  @Test
  void mutualRecursionThroughInvokeGetEgressSourceIsReportedNotADeadlock() throws Exception {
    SourceResolver resolver = resolver("kumo.on('get_egress_source', function (name) {\n"
        + "  if (name === 'a') { return kumo.invoke_get_egress_source('b'); }\n"
        + "  if (name === 'b') { return kumo.invoke_get_egress_source('a'); }\n"
        + "  return kumo.make_egress_source({ name: name });\n"
        + "});\n");
    CompletableFuture<EgressSource> cycle =
        CompletableFuture.supplyAsync(() -> resolver.resolve("a"), pool);
    assertThatThrownBy(() -> cycle.get(10, TimeUnit.SECONDS))
        .rootCause().satisfies(e -> assertThat(e.getMessage().toLowerCase())
            .containsAnyOf("cycle", "recurs"));
    assertThat(resolver.resolve("c").name()).isEqualTo("c");
  }
}
