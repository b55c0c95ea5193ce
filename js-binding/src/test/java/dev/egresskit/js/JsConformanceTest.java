package dev.egresskit.js;

import dev.egresskit.testkit.conformance.ConformanceSuite;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the shared conformance suite, run with the JavaScript policies
 * ({@code conformance/<case>/policy.js}). Where JavaScript's own error text differs from Lua's (a
 * runtime error, "object" for "table"), the case lists it under {@code error_js}.
 */
class JsConformanceTest {

  @TestFactory
  Stream<DynamicTest> everyConformanceCasePassesForJavaScript() {
    return ConformanceSuite.tests(new JsPolicyEngineProvider());
  }
}
