package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.PolicyException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Runtime errors worded as Lua 5.4 words them, naming what was nil and where it came from. */
class LuaErrorTextTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '#', textBlock = """
      local a <close>, b <close> = nil # 2 # multiple to-be-closed variables in local list
      local m = 6 & 3 local x = = 1    # 2 # unexpected symbol near '='
      local m = 7 // 2 if m then       # 4 # 'end' expected near <eof>
      local s <unknown> = 1            # 2 # unknown attribute 'unknown'
      """)
  void newerSyntaxThatCannotBeRewrittenIsNamedAtItsLine(String line, int at, String what) {
    String prelude = "-- // in a comment, '<<' in a string: neither counts\n";
    assertThatThrownBy(() -> Policies.load(dir, prelude + line + "\nlocal url = 'http://x'\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy.lua:" + at + ": " + what);
  }

  @org.junit.jupiter.api.Test
  void aRewrittenChunkReportsRuntimeErrorsAtTheirOwnLines() {
    assertThatThrownBy(() -> Policies.load(dir, "local half = 7 // 2\n"
        + "local mask = 0xFF & half\n"
        + "\n"
        + "local bad = mask | nothing\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("policy.lua:4: attempt to perform bitwise operation on a nil value");
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"local x = = 1",
      "local s = 'a // b' x", "-- a // comment\nlocal y = = 2", "local u = [[ a << b ]] +"})
  void otherSyntaxErrorsAreLeftAsLuaWordsThem(String source) {
    assertThatThrownBy(() -> Policies.load(dir, source + "\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("policy.lua:")
        .hasMessageNotContaining("Lua 5.3+");
  }
}
