package dev.egresskit.lua.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * The matcher's own bounds (the budget it consults, its depth limit) and properties that must hold
 * for any subject: a pattern of escaped literal bytes finds what a plain search finds. Its
 * agreement with Lua 5.4 is {@code PatternDifferentialTest}'s job.
 */
class PatternMatcherTest {
  private static final class CountingBudget implements PatternBudget {
    int checks;
    final int allowed;

    CountingBudget(int allowed) {
      this.allowed = allowed;
    }

    @Override
    public void check() {
      if (++checks > allowed) {
        throw new IllegalStateException("budget spent");
      }
    }
  }

  private static PatternMatcher matcher(String subject, String pattern, PatternBudget budget) {
    byte[] s = subject.getBytes(StandardCharsets.ISO_8859_1);
    byte[] p = pattern.getBytes(StandardCharsets.ISO_8859_1);
    return new PatternMatcher(s, 0, s.length, p, 0, p.length, budget);
  }

  @Test
  void aCatastrophicPatternConsultsTheBudgetAndStopsWhenItSaysSo() {
    CountingBudget budget = new CountingBudget(3);
    PatternMatcher m = matcher("a".repeat(40), "a*".repeat(40) + "b", budget);
    assertThatThrownBy(() -> m.matchAt(0, 0)).hasMessage("budget spent");
    assertThat(budget.checks).isEqualTo(4);
  }

  @Test
  void aSmallMatchCostsNoCheckAtAll() {
    CountingBudget budget = new CountingBudget(0);
    assertThat(matcher("key = value", "(%w+)%s*=%s*(%w+)", budget).matchAt(0, 0)).isEqualTo(11);
    assertThat(budget.checks).isZero();
  }

  @Test
  void nestingDeeperThanTheLimitIsTooComplexNotAStackOverflow() {
    PatternMatcher deep = matcher("a".repeat(PatternMatcher.MAX_DEPTH + 10),
        "a?".repeat(PatternMatcher.MAX_DEPTH + 10), PatternBudget.UNLIMITED);
    assertThatThrownBy(() -> deep.matchAt(0, 0)).isInstanceOf(PatternException.class)
        .hasMessage("pattern too complex");
    PatternMatcher shallow = matcher("a".repeat(100), "a?".repeat(100), PatternBudget.UNLIMITED);
    assertThat(shallow.matchAt(0, 0)).isEqualTo(100);
  }

  @Test
  void capturesReportPositionsAndLengths() {
    PatternMatcher m = matcher("x = 12", "()(%d+)", PatternBudget.UNLIMITED);
    assertThat(m.matchAt(4, 0)).isEqualTo(6);
    assertThat(m.captureCount()).isEqualTo(2);
    assertThat(m.captureLength(0)).isEqualTo(PatternMatcher.POSITION);
    assertThat(m.captureStart(0)).isEqualTo(4);
    assertThat(m.captureStart(1)).isEqualTo(4);
    assertThat(m.captureLength(1)).isEqualTo(2);
    assertThatThrownBy(() -> m.captureLength(2)).hasMessage("invalid capture index %3");
  }

  @Property(tries = 500)
  void anEscapedLiteralPatternFindsWhatAPlainSearchFinds(
      @ForAll @StringLength(max = 30) @CharRange(from = ' ', to = '~') String subject,
      @ForAll @StringLength(min = 1, max = 4) @CharRange(from = ' ', to = '~') String needle) {
    String haystack = subject + needle + subject;
    StringBuilder escaped = new StringBuilder();
    for (char c : needle.toCharArray()) {
      escaped.append(Character.isLetterOrDigit(c) ? "" : "%").append(c);
    }
    byte[] s = haystack.getBytes(StandardCharsets.ISO_8859_1);
    byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
    int plain = PatternMatcher.indexOf(s, 0, s.length, n, 0, n.length, 0,
        PatternBudget.UNLIMITED);
    assertThat(plain).isEqualTo(haystack.indexOf(needle));
    PatternMatcher m = matcher(haystack, escaped.toString(), PatternBudget.UNLIMITED);
    int at = 0;
    while (m.matchAt(at, 0) < 0) {
      at++;
    }
    assertThat(at).isEqualTo(plain);
    assertThat(m.matchAt(at, 0)).isEqualTo(plain + needle.length());
  }
}
