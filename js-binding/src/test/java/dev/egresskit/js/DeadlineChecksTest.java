package dev.egresskit.js;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where {@link DeadlineChecks} puts its checks, and that the rewritten script means what the
 * original meant (run in a sandbox whose deadline is never armed).
 */
class DeadlineChecksTest {
  private static final String T = DeadlineChecks.TICK + "()";
  private static final String L = DeadlineChecks.LATE + "()";

  private final JsSandbox sandbox =
      JsSandbox.create(new KumoBridge(new RecordingKumo(), "policy.js"));

  private static String instrument(String source) {
    return DeadlineChecks.instrument("policy.js", source);
  }

  @Test
  void everyLoopIterationGetsACheck() {
    assertThat(instrument("lab: for (let i = 0; i < 3; i++) { x(); }"))
        .isEqualTo("lab: for (let i = 0; i < 3; i++) {" + T + "; x(); }");
    assertThat(instrument("while (a) b();")).isEqualTo("while (a) if(" + T + ");else b();");
    assertThat(instrument("do b(); while (a)")).isEqualTo("do if(" + T + ");else b(); while (a)");
    assertThat(instrument("for (const k of o) ;")).isEqualTo("for (const k of o) if(" + T
        + ");else ;");
    assertThat(instrument("for (var k in o) `t${k}`;"))
        .isEqualTo("for (var k in o) if(" + T + ");else `t${k}`;");
  }

  @Test
  void everyFunctionEntryGetsACheckAfterItsDirectives() {
    assertThat(instrument("function f() { 'use strict'; return 1; }"))
        .isEqualTo("function f() { 'use strict';;" + T + "; return 1; }");
    assertThat(instrument("var o = { get p() { return 1; } };"))
        .isEqualTo("var o = { get p() {;" + T + "; return 1; } };");
    assertThat(instrument("var f = (a, b) => a ? b : `c`;"))
        .isEqualTo("var f = (a, b) => " + T + "?0:a ? b : `c`;");
    assertThat(instrument("var g = x => ({ x: x });"))
        .isEqualTo("var g = x => " + T + "?0:({ x: x });");
  }

  @Test
  void catchAndFinallyCheckAtOnce() {
    assertThat(instrument("try { a(); } catch (e) { b(); } finally { c(); }"))
        .isEqualTo("try { a(); } catch (e) {" + L + "; b(); } finally {" + L + "; c(); }");
  }

  @Test
  void aScriptThatDoesNotParseIsLeftAsItIsForTheEngineToReport() {
    assertThat(instrument("while (")).isEqualTo("while (");
  }

  @Test
  void linesKeepTheirNumbers() {
    String source = "function f() {\n  for (;;) {\n    return 1;\n  }\n}\nwhile (a)\n  b();\n";
    assertThat(instrument(source).lines()).hasSize((int) source.lines().count());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      // a dangling else still belongs to the outer if
      "var z = true, x = 2, y = 0, w = 0; if (z) while (x--) y++; else w = 1; y + ',' + w | 2,0",
      "var z = false, x = 2, y = 0, w = 0; if (z) while (x--) y++; else w = 1; y + ',' + w | 0,1",
      // strict mode survives the entry check
      "(function () { 'use strict'; return this === undefined; })() | true",
      "(function () { 'a'; \"use strict\"; return this === undefined; })() | true",
      // labels, continue and do-while without braces
      "var n = 0; outer: for (var i = 0; i < 3; i++) { for (;;) { n++; continue outer; } } n | 3",
      "var i = 0; do i++; while (i < 5); i | 5",
      // arrow bodies keep their values
      "[1, 2].map(x => x ? x * 2 : 0).join() | 2,4",
      "[1].map(x => ({ v: x }))[0].v | 1",
      "var q = x => y => x + y; q(1)(2) | 3",
      "var t = 0; [1, 2].forEach(x => t += x); t | 3",
      "var s = { v: 0, set p(x) { this.v = x; } }; s.p = 4; s.v | 4",
      "var r; try { throw 1; } catch (e) { r = e; } finally { r += 1; } r | 2",
  })
  void theRewrittenScriptMeansWhatTheOriginalMeant(String script, String expected)
      throws Exception {
    assertThat(String.valueOf(sandbox.eval("policy.js", script)).replaceAll("\\.0$", ""))
        .isEqualTo(expected);
  }

  @Test
  void globalsOfOneRuntimeAreIsolated() throws Exception {
    JsRuntime runtime = new JsRuntime();
    JsSandbox a = JsSandbox.create(runtime, new KumoBridge(new RecordingKumo(), "a.js"),
        new Deadline());
    JsSandbox b = JsSandbox.create(runtime, new KumoBridge(new RecordingKumo(), "b.js"),
        new Deadline());
    var compiled = runtime.compile("p.js", DeadlineChecks.instrument("p.js",
        "var count = (typeof count === 'number' ? count : 0) + 1;"
            + " Array.prototype.mark = (Array.prototype.mark || 0) + 1; count + ',' + [].mark"));

    assertThat(a.run(compiled)).isEqualTo("1,1");
    assertThat(a.run(compiled)).isEqualTo("2,2");
    // The same compiled script in another global sees none of the first one's objects.
    assertThat(b.run(compiled)).isEqualTo("1,1");
  }
}
