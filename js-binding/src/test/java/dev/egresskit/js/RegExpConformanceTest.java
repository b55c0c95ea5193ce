package dev.egresskit.js;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import javax.script.ScriptException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.nashorn.api.scripting.NashornException;
import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;

/**
 * Ordinary regular expressions mean what they meant before policies' {@code RegExp} objects
 * were moved onto the deadline-checking engine ({@link BoundedRegExp}): each case of
 * {@code regexp-conformance.tsv} is evaluated in a sandbox and its {@code JSON.stringify}d
 * result compared with what Nashorn 15.7 (its default Joni engine, no EgressKit sandbox)
 * returned for it, recorded in the file. Where the engines differ, the file says so (Java's
 * Unicode case folding with {@code i}, an empty iteration's capture).
 */
class RegExpConformanceTest {
  private static final JsSandbox SANDBOX =
      JsSandbox.create(JsSandboxTest.withLibrary(new KumoBridge(new RecordingKumo(), "case.js")));

  /** One line of the table: an expression, a tab, its expected JSON (or THROWS ErrorName). */
  record Case(String expression, String expected) {
    @Override
    public String toString() {
      return expression;
    }
  }

  static Stream<Case> cases() throws IOException {
    try (InputStream in = RegExpConformanceTest.class.getResourceAsStream(
        "regexp-conformance.tsv")) {
      return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
          .filter(line -> !line.isBlank() && !line.startsWith("#"))
          .map(line -> {
            int tab = line.indexOf('\t');
            return new Case(line.substring(0, tab), line.substring(tab + 1));
          })
          .toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theResultIsWhatNashornReturnedBefore(Case c) {
    assertThat(evaluate(c.expression())).isEqualTo(c.expected());
  }

  static String evaluate(String expression) {
    try {
      return String.valueOf(SANDBOX.eval("case.js", "JSON.stringify(" + expression + ")"));
    } catch (ScriptException | RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof NashornException ne
          && ne.getEcmaError() instanceof ScriptObjectMirror error) {
        return "THROWS " + error.getMember("name");
      }
      // A pattern the parser refuses fails the whole script before it runs.
      return e instanceof ScriptException ? "THROWS SyntaxError" : "THROWS " + e;
    }
  }
}
