package dev.egresskit.js.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.resolve.SourceResolver;
import dev.egresskit.js.JsPolicyEngineProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue #21.4: one regular-expression match that backtracks for minutes is stopped at the
 * handler deadline inside the match, in a handler and at the top level, with the usual deadline
 * error naming the policy line, and a {@code catch} in the policy cannot swallow the stop.
 * Without the bound each of these runs for minutes: Java's engine, which the bound runs on, needs
 * about n² steps for {@code (a+)+$} on n a's and a b (Nashorn's Joni needed 2ⁿ), n³ for
 * {@code (x+x+)+y}, and 2ⁿ with a backreference or nested counted repeats, so the texts are long
 * enough for minutes there too. The margin allowed over the 300 ms deadline is for a busy machine.
 */
class JsRegExpDeadlineTest {
  private static final Duration DEADLINE = Duration.ofMillis(300);
  /** Deadline plus what a loaded 2-core machine may add; an unbounded match takes minutes. */
  private static final Duration STOPPED_WITHIN = DEADLINE.plusMillis(2700);

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

  /** {@code text('a', n)}: n times 'a' (Nashorn has no String.prototype.repeat). */
  private static final String TEXT = "function text(c, n) { return new Array(n + 1).join(c); }";

  /** Nashorn's first global in a JVM takes seconds to set up: not part of what is timed. */
  @BeforeAll
  static void warmUp(@TempDir Path warm) throws IOException {
    Path script = Files.writeString(warm.resolve("warm.js"), TEXT + "\n/a+/.test(text('a', 9));");
    new JsPolicyEngineProvider().load(script, new PolicySettings(1, DEADLINE)).close();
  }

  /** A handler whose third line runs {@code body} for the name 'spin'. */
  private static String handler(String body) {
    return "var A = text('a', 100000) + 'b', X = text('x', 5000), SHORT = text('a', 40);\n"
        + "kumo.on('get_egress_source', function (name) {\n"
        + "  if (name === 'spin') { " + body + " }\n"
        + "  return kumo.make_egress_source({ name: name, ehlo_domain: 'ok.example' });\n"
        + "});\n" + TEXT + "\n";
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "/(a+)+$/.test(A);",
      "/(x+x+)+y/.exec(X);",
      "/(a+)+$/i.test(A.toUpperCase());",
      "A.replace(/(a+)+$/, function (m) { return m.length; });",
      "A.replace(/(a+)+$/g, '[$1]');",
      "A.split(/(a+)+$/);",
      "X.match(/(x+x+)+y/g);",
      "A.search(/(a+)+$/);",
      // a string pattern becomes a RegExp inside match and search
      "A.match('(a+)+$');",
      "X.search('(x+x+)+y');",
      // exponential on Java's engine as well: a backreference, nested counted repeats
      "/(a+)+\\1b/.test(SHORT);",
      "new RegExp('(a{1,20}){1,20}b').test(SHORT);",
      "RegExp('(x+x+)+y', 'gi').exec(X);",
      // other ways to reach the matcher
      "RegExp.prototype.exec.call(/(x+x+)+y/, X);",
      "String.prototype.match.call(A, /(a+)+$/);",
      "var r = /x/; r.compile('(x+x+)+y'); r.test(X);",
      "var m = /(x+x+)+y/.test; m.call(/(x+x+)+y/, X);",
      "Function.prototype.call = function () { return null; }; /(x+x+)+y/.test(X);",
      "Function.prototype.apply = function () { return null; }; X.match(/(x+x+)+y/);",
      // catch and carry on
      "for (;;) { try { /(x+x+)+y/.test(X); } catch (e) { } }",
      "try { /(a+)+$/.test(A); } catch (e) { return kumo.make_egress_source({ name: 'c' }); }",
      "try { A.replace(/(a+)+$/, 'b'); } finally { return kumo.make_egress_source({ name: 'f' }); }",
      "[A, A].map(function (s) { try { return /(a+)+$/.test(s); } catch (e) { return e; } });",
  })
  void aMatchThatBacktracksForMinutesIsStoppedAtTheDeadlineInsideTheMatch(String body)
      throws Exception {
    SourceResolver resolver = resolver(handler(body));

    long start = System.nanoTime();
    assertThatThrownBy(() -> resolver.resolve("spin"))
        .hasMessageStartingWith("get_egress_source 'spin': policy.js:3: get_egress_source handler"
            + " for 'spin' did not finish within 300ms (the policy handler deadline) and was"
            + " stopped");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(STOPPED_WITHIN);
    // The stopped interpreter was replaced; the policy keeps answering, regexes included.
    assertThat(resolver.resolve("after").ehloDomain()).contains("ok.example");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/(a+)+$/.test(text('a', 100000) + 'b');",
      "text('x', 5000).replace(/(x+x+)+y/g, function () { return ''; });",
      "try { /(x+x+)+y/.test(text('x', 5000)); } catch (e) { }"})
  void aBacktrackingMatchAtTheTopLevelStopsTheLoadNamingTheLine(String topLevel) {
    long start = System.nanoTime();
    assertThatThrownBy(() -> load("var ok = /^mx\\d+$/.test('mx1');\n" + topLevel + "\n"
        + handler("")))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("policy.js:2: the top level of policy.js did not finish within"
            + " 300ms (the policy handler deadline) and was stopped");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(STOPPED_WITHIN);
  }

  @Test
  void ordinaryRegularExpressionsInAHandlerStillAnswer() throws Exception {
    SourceResolver resolver = resolver("kumo.on('get_egress_source', function (name) {\n"
        + "  var m = /^([a-z]+)-(\\d+)$/i.exec(name);\n"
        + "  var host = name.replace(/[^a-z0-9]+/gi, '.').split(/\\./).join('-');\n"
        + "  return kumo.make_egress_source({ name: name,\n"
        + "      ehlo_domain: m[1].toLowerCase() + m[2] + '.' + host + '.example' });\n"
        + "});\n");

    assertThat(resolver.resolve("Pool-42").ehloDomain()).contains("pool42.Pool-42.example");
  }

  @Test
  void aMatchTooDeepForTheStackIsACatchableErrorNamingThePattern() throws Exception {
    SourceResolver resolver = resolver("var long = new Array(500001).join('ab');\n"
        + "kumo.on('get_egress_source', function (name) {\n"
        + "  if (name === 'deep') { return /(a|b)*c/.test(long); }\n"
        + "  var caught = '';\n"
        + "  try { /(a|b)*c/.test(long); } catch (e) { caught = e.name; }\n"
        + "  return kumo.make_egress_source({ name: name, ehlo_domain: caught + '.example' });\n"
        + "});\n");

    assertThatThrownBy(() -> resolver.resolve("deep"))
        .hasMessageContaining("policy.js:3: RangeError: the regular expression /(a|b)*c/ needs"
            + " more stack than a policy call has to match a text of 1000000 characters");
    assertThat(resolver.resolve("caught").ehloDomain()).contains("RangeError.example");
  }
}
