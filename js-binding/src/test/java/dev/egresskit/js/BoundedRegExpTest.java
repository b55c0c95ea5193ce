package dev.egresskit.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.text.CheckedText;
import javax.script.ScriptException;
import org.junit.jupiter.api.Test;
import org.openjdk.nashorn.internal.parser.Lexer;

/**
 * The deadline-checking engine of policies' regular expressions, with the deadline injected: a
 * {@link Deadline} armed with no time left stands for one that has passed.
 */
class BoundedRegExpTest {
  private static final String WS = Lexer.getWhitespaceRegExp();

  @Test
  void javaScriptWhitespaceReplacesJavasInAndOutOfClasses() {
    assertThat(BoundedRegExp.withJavaScriptWhitespace("a\\sb")).isEqualTo("a[" + WS + "]b");
    assertThat(BoundedRegExp.withJavaScriptWhitespace("[a\\s]")).isEqualTo("[a" + WS + "]");
    assertThat(BoundedRegExp.withJavaScriptWhitespace("\\S[^a\\S]"))
        .isEqualTo("[^" + WS + "][^a[^" + WS + "]]");
    // an escaped backslash before s, other escapes, quoted text and no escape at all: unchanged
    assertThat(BoundedRegExp.withJavaScriptWhitespace("\\\\s\\d\\[\\s")).isEqualTo(
        "\\\\s\\d\\[[" + WS + "]");
    assertThat(BoundedRegExp.withJavaScriptWhitespace("\\Q\\s\\E")).isEqualTo("\\Q\\s\\E");
    assertThat(BoundedRegExp.withJavaScriptWhitespace("plain")).isEqualTo("plain");
  }

  @Test
  void theTextLooksAtThePassedDeadlineEveryCheckEveryReadsAndTheStopIsSticky() {
    Deadline deadline = new Deadline();
    deadline.arm(0);
    CharSequence text = BoundedRegExp.subject("abc", deadline);

    for (int i = 1; i < CheckedText.CHECK_EVERY; i++) {
      assertThat(text.charAt(i % 3)).isEqualTo("abc".charAt(i % 3));
    }
    assertThatThrownBy(() -> text.charAt(0)).isInstanceOf(Deadline.Stopped.class);
    assertThat(deadline.expired()).isTrue();
    assertThatThrownBy(deadline::check).isInstanceOf(Deadline.Stopped.class);
  }

  @Test
  void withoutAnArmedDeadlineTheTextNeverStops() {
    CharSequence text = BoundedRegExp.subject("ab", new Deadline());
    for (int i = 0; i < 3 * CheckedText.CHECK_EVERY; i++) {
      text.charAt(i % 2);
    }
    assertThat(text.length()).isEqualTo(2);
    assertThat(text.subSequence(1, 2)).hasToString("b");
  }

  @Test
  void aPolicyMatchWithThePassedDeadlineStopsInsideTheMatch() throws ScriptException {
    Deadline deadline = new Deadline();
    JsSandbox sandbox = JsSandbox.create(new JsRuntime(),
        JsSandboxTest.withLibrary(new KumoBridge(new RecordingKumo(), "policy.js")), deadline);
    sandbox.eval("policy.js", "var X = new Array(5001).join('x');");
    // No loop or function of the policy runs, so only the match itself can look at the clock.
    deadline.arm(0);
    try {
      for (String match : new String[] {"/(x+x+)+y/.test(X)", "X.replace(/(x+x+)+y/g, '')",
          "X.split(/(x+x+)+y/)", "X.match('(x+x+)+y')", "X.search(/(X+X+)+Y/i)"}) {
        assertThatThrownBy(() -> sandbox.eval("policy.js", match)).as(match)
            .isInstanceOf(Deadline.Stopped.class);
      }
      // Fewer reads than one check's worth: an ordinary match does not look at the clock.
      assertThat(sandbox.eval("policy.js", "/^mx\\d+$/.test('mx12')")).isEqualTo(true);
    } finally {
      deadline.disarm();
    }
  }
}
