package dev.egresskit.js.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.support.PooledPolicyEngine;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.js.JsPolicyEngineProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cooperative handler deadline of JavaScript policies: every shape of runaway code the
 * source rewrite must reach is stopped on the calling thread, a script cannot catch the stop,
 * the top level runs under the same deadline, and code made from text at run time is refused.
 */
class JsDeadlineTest {
  private static final Duration DEADLINE = Duration.ofMillis(300);

  @TempDir Path dir;
  private ShortDeadlinePolicies policies;

  @BeforeEach
  void policies() {
    policies = new ShortDeadlinePolicies(dir, DEADLINE);
  }

  @AfterEach
  void close() {
    policies.close();
  }

  private PolicyEngine load(String policy) throws IOException {
    return policies.load(policy);
  }

  private SourceResolver resolver(String policy) throws IOException {
    return policies.resolver(policy);
  }

  private static String handler(String body) {
    return "kumo.on('get_egress_source', function (name) {\n"
        + "  if (name === 'spin') {\n"
        + "    " + body + "\n"
        + "  }\n"
        + "  return kumo.make_egress_source({ name: name, ehlo_domain: 'ok.example' });\n"
        + "});\n";
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      // labels, and loops without braces
      "outer: for (;;) { inner: for (;;) { continue outer; } }",
      "var i = 0; do i++; while (true)",
      "var j = 0; while (true) j++;",
      "for (let k = 0; ; k++) {}",
      "for (const k of [1, 2]) { for (;;) ; }",
      "for (var p in { a: 1 }) while (1) if (p) { p = p; } else { p = 0; }",
      // no loop at all: only function entries are checked
      "function f(n) { if (n > 0) { f(n - 1); f(n - 1); } } f(60);",
      "var g = n => n > 0 ? (g(n - 1), g(n - 1)) : 0; g(60);",
      "var o = { get p() { return this.q(60); }, q(n) { return n ? this.q(n - 1) + this.q(n - 1) : 0; } }; o.p;",
      "var s = { set v(x) { for (;;) {} } }; s.v = 1;",
      "[1, 2, 3].map(x => { for (;;) {} });",
      "'abc'.replace(/b/, function () { while (true) {} });",
      // catch and carry on
      "for (;;) { try { for (;;) {} } catch (e) { } }",
      "while (true) { try { while (true) {} } catch (e) { continue; } }",
      "try { for (;;) {} } catch (e) { return kumo.make_egress_source({ name: name }); }",
      "try { for (;;) {} } finally { return kumo.make_egress_source({ name: name }); }",
      "for (;;) { try { for (;;) {} } finally { continue; } }",
      "kumo.make_egress_source({ get name() { for (;;) {} } });",
      "try { kumo.make_egress_source({ get name() { for (;;) {} } }); } catch (e) { }",
  })
  void runawayCodeIsStoppedOnTheCallingThreadAndCannotCatchTheStop(String body)
      throws Exception {
    SourceResolver resolver = resolver(handler(body));

    assertThatThrownBy(() -> resolver.resolve("spin"))
        .hasMessageContaining("get_egress_source 'spin': policy.js:")
        .hasMessageContaining("get_egress_source handler for 'spin' did not finish within 300ms"
            + " (the policy handler deadline) and was stopped");
    // The stopped interpreter was replaced; the policy keeps answering.
    assertThat(resolver.resolve("after").ehloDomain()).contains("ok.example");
    assertThat(((PooledPolicyEngine<?>) policies.engine()).interpretersLoaded()).isEqualTo(2);
  }

  @Test
  void theStopNamesThePolicyLineThatWasRunning() throws Exception {
    SourceResolver resolver = resolver("kumo.on('get_egress_source', function (name) {\n"
        + "  var n = 0;\n"
        + "  while (true) {\n"
        + "    n++;\n"
        + "  }\n"
        + "});\n");

    assertThatThrownBy(() -> resolver.resolve("x")).hasMessageStartingWith(
        "get_egress_source 'x': policy.js:3: get_egress_source handler for 'x' did not finish");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"for (;;) {}", "var n = 0; while (true) { try { n++; } catch (e) {} }",
      "function f() { f2(); } function f2() { for (;;) {} } f();"})
  void theTopLevelRunsUnderTheSameDeadline(String topLevel) {
    assertThatThrownBy(() -> load("\n" + topLevel + "\n" + handler("")))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("policy.js:2: the top level of policy.js did not finish within"
            + " 300ms (the policy handler deadline) and was stopped");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Function('return 1')()", "new Function('return 1')()", "eval('1')",
      "(0, eval)('1')", "this.eval('1')", "(function () {}).constructor('return 1')()",
      "(() => 1).constructor('return 1')()",
      "Object.getPrototypeOf(function () {}).constructor('return 1')()"})
  void codeMadeFromTextIsRefused(String attempt) throws Exception {
    SourceResolver resolver = resolver(handler("var r = " + attempt + "; throw new Error('ran: '"
        + " + r);"));

    assertThatThrownBy(() -> resolver.resolve("spin"))
        .hasMessageContaining("policy.js:3:")
        .hasMessageContaining("is not available in EgressKit policies")
        .hasMessageNotContaining("ran: ");
  }

  @Test
  void functionStillWorksAsATypeAndPrototype() throws Exception {
    SourceResolver resolver = resolver("kumo.on('get_egress_source', function (name) {\n"
        + "  var ok = (function () {}) instanceof Function && (() => 1) instanceof Function\n"
        + "      && typeof Function.prototype.call === 'function';\n"
        + "  return kumo.make_egress_source({ name: name, ehlo_domain: ok + '.example' });\n"
        + "});\n");

    assertThat(resolver.resolve("a").ehloDomain()).contains("true.example");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"new Array(Math.pow(2, 32) - 1).join('x')",
      "(function () { var a = []; a.length = Math.pow(2, 31); return a.indexOf(1); })()",
      "new Array(Math.pow(2, 32) - 1).forEach(function () {})",
      "String(new Array(Math.pow(2, 30)))",
      "Array.prototype.join.call({ length: Math.pow(2, 31) })",
      "[].concat(new Array(Math.pow(2, 31)))",
      "JSON.stringify({ a: [new Array(Math.pow(2, 31))] })",
      "'ab'.repeat(Math.pow(2, 28))"})
  void builtInsThatLoopInJavaAreBoundedBySizeNotLeftToRun(String call) throws Exception {
    SourceResolver resolver = resolver(handler("var r = " + call + "; throw new Error('ran');"));

    assertThatThrownBy(() -> resolver.resolve("spin"))
        .hasMessageContaining("policy.js:3: RangeError:")
        .hasMessageContaining("is over EgressKit's limit of 16777216");
  }

  @Test
  void namesReservedForTheChecksAreRefusedWithTheLine() {
    assertThatThrownBy(() -> load("var a = 1;\nvar __egresskit_tick__ = function () {};\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy.js:2: names starting with __egresskit_ are reserved for EgressKit's"
            + " deadline checks (rename it)");
  }

  @Test
  void aPolicyWithABytesThatIsNotUtf8IsAPolicyErrorWithTheLine() throws IOException {
    Path script = dir.resolve("policy.js");
    Files.write(script, "// caf\u00e9 policy\nvar x = 'd\u00e9j\u00e0';\nvar y = 'ab\u00e9';\n"
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

    assertThatThrownBy(() -> new JsPolicyEngineProvider().load(script,
        new PolicySettings(1, DEADLINE)))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy.js:1: byte 0xE9 at column 7 is not UTF-8 (allowed: a policy saved as"
            + " UTF-8 text)");
  }
}
