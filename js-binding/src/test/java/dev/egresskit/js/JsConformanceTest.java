package dev.egresskit.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.resolve.ResolutionException;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.testkit.conformance.ConformanceSuite;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the shared conformance suite, run with the JavaScript policies
 * ({@code conformance/<case>/policy.js}).
 *
 * <p>A few lookups expect an error text that only Lua can produce (a Lua runtime error, the word
 * "table"). Until their {@code case.json} carries an {@code error_js} list, each of them runs
 * here twice: the shared expectation must still fail (so this list cannot go stale silently),
 * and the JavaScript text listed below must match.
 */
class JsConformanceTest {
  private static final JsPolicyEngineProvider PROVIDER = new JsPolicyEngineProvider();

  /** Display name of the shared test → what JavaScript reports instead. */
  private static final Map<String, Pending> PENDING_ERROR_JS = Map.of(
      "21-handler-errors [js] source 'nil-index'",
      new Pending("21-handler-errors", false, "nil-index", List.of(
          "get_egress_source 'nil-index': policy.js:6: TypeError: Cannot get property \"name\""
              + " of null")),
      "21-handler-errors [js] source 'plain-table'",
      new Pending("21-handler-errors", false, "plain-table", List.of(
          "get_egress_source 'plain-table': policy.js:1: get_egress_source handler for"
              + " 'plain-table' returned a JavaScript object", "kumo.make_egress_source")),
      "41-pool-errors [js] pool 'plain-table'",
      new Pending("41-pool-errors", true, "plain-table", List.of(
          "resolving egress pool 'plain-table': policy.js:1: get_egress_pool handler for"
              + " 'plain-table' returned a JavaScript object", "kumo.make_egress_pool")));

  /** A lookup whose JavaScript error text the shared case does not list yet. */
  private record Pending(String caseId, boolean pool, String name, List<String> fragments) {}

  @TestFactory
  Stream<DynamicTest> everyConformanceCasePassesForJavaScript() {
    return ConformanceSuite.tests(PROVIDER).map(test -> {
      Pending pending = PENDING_ERROR_JS.get(test.getDisplayName());
      return pending == null ? test : DynamicTest.dynamicTest(
          test.getDisplayName() + " (JavaScript error text)", () -> {
            checkSharedExpectationStillLuaOnly(test);
            checkJavaScriptError(pending);
          });
    });
  }

  @TestFactory
  Stream<DynamicTest> everyPendingLookupExistsInTheSuite() {
    List<String> names = ConformanceSuite.tests(PROVIDER).map(DynamicTest::getDisplayName)
        .toList();
    return PENDING_ERROR_JS.keySet().stream().map(name -> DynamicTest.dynamicTest(name,
        () -> assertThat(names).contains(name)));
  }

  private static void checkSharedExpectationStillLuaOnly(DynamicTest test) {
    try {
      test.getExecutable().execute();
    } catch (AssertionError expected) {
      return;
    } catch (Throwable e) {
      throw new AssertionError(test.getDisplayName() + " failed unexpectedly", e);
    }
    fail(test.getDisplayName() + " now passes with the shared expectation (its case.json has"
        + " an error_js list): remove it from PENDING_ERROR_JS");
  }

  private static void checkJavaScriptError(Pending pending) throws IOException {
    Path folder = Files.createTempDirectory("js-conformance-");
    try {
      copy(pending.caseId() + "/policy.js", folder.resolve("policy.js"));
      try (PolicyEngine engine = PROVIDER.load(folder.resolve("policy.js"),
          ConformanceSuite.SETTINGS)) {
        SourceResolver resolver = SourceResolver.builder(engine).build();
        assertThatThrownBy(() -> {
          if (pending.pool()) {
            resolver.resolvePool(pending.name());
          } else {
            resolver.resolve(pending.name());
          }
        }).isInstanceOf(ResolutionException.class).satisfies(e -> {
          for (String fragment : pending.fragments()) {
            assertThat(e.getMessage()).contains(fragment);
          }
        });
      }
    } finally {
      try (Stream<Path> paths = Files.walk(folder)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void copy(String resource, Path target) throws IOException {
    try (InputStream in = JsConformanceTest.class.getClassLoader()
        .getResourceAsStream(ConformanceSuite.ROOT + resource)) {
      assertThat(in).as("resource %s", resource).isNotNull();
      Files.copy(in, target);
    }
  }
}
