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
  @CsvSource(delimiter = '|', textBlock = """
      local m = {}; m.memoize(function() end)       | attempt to call a nil value (field 'memoize')
      local cache = string.memoize(print)           | attempt to call a nil value (field 'memoize')
      undefined_function()                          | attempt to call a nil value (global 'undefined_function')
      local f; f()                                  | attempt to call a nil value (local 'f')
      local t = {}; t:method()                      | attempt to call a nil value (method 'method')
      local t = {}; t.a.b()                         | attempt to index a nil value (field 'a')
      x.y = 1                                       | attempt to index a nil value (global 'x')
      local t; t.x = 1                              | attempt to index a nil value (local 't')
      local t; return t.x                           | attempt to index a nil value (local 't')
      local t = {}; t.a.b = 1                       | attempt to index a nil value (field 'a')
      local cfg; local function f() return cfg.x end; f() | attempt to index a nil value (upvalue 'cfg')
      local n; return n + 1                         | attempt to perform arithmetic on a nil value (local 'n')
      return 2 ^ missing                            | attempt to perform arithmetic on a nil value (global 'missing')
      return -{}                                    | attempt to perform arithmetic on a table value
      return 'a' .. missing                         | attempt to concatenate a nil value (global 'missing')
      return #missing                               | attempt to get length of a nil value (global 'missing')
      return 1 < nil                                | attempt to compare number with nil
      return {} < {}                                | attempt to compare two table values
      """)
  void errorsNameWhatWasNil(String line, String expected) {
    String text = expected.startsWith("policy.lua") ? expected : "policy.lua:2: " + expected;
    assertThatThrownBy(() -> Policies.load(dir, "\n" + line + "\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessage(text);
  }

  @org.junit.jupiter.api.Test
  void pcallSeesTheSameWords() {
    org.assertj.core.api.Assertions.assertThatCode(() -> Policies.load(dir,
        "local ok, err = pcall(function() return nothing.x end)\n"
        + "assert(err == \"policy.lua:1: attempt to index a nil value (global 'nothing')\", err)\n")
        .close()).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '#', textBlock = """
      return 7 // 2                  # 2 # the floor division operator // (write math.floor(a / b))
      local m = 6 & 3                # 2 # the bitwise operator & (use bit32.band, bit32.bor, bit32.bxor, bit32.bnot, bit32.lshift, bit32.rshift)
      local m = 6 | 3                # 2 # the bitwise operator | (use bit32.band, bit32.bor, bit32.bxor, bit32.bnot, bit32.lshift, bit32.rshift)
      local m = ~6                   # 2 # the bitwise operator ~ (use bit32.band, bit32.bor, bit32.bxor, bit32.bnot, bit32.lshift, bit32.rshift)
      local m = 1 << 4               # 2 # the shift operator << (use bit32.band, bit32.bor, bit32.bxor, bit32.bnot, bit32.lshift, bit32.rshift)
      local m = 16 >> 4              # 2 # the shift operator >> (use bit32.band, bit32.bor, bit32.bxor, bit32.bnot, bit32.lshift, bit32.rshift)
      local limit <const> = 10       # 2 # the <const> attribute (drop it: local x = ...)
      local f <close> = nil          # 2 # the <close> attribute (drop it and close the value explicitly)
      """)
  void newerSyntaxIsNamedAtItsLine(String line, int at, String what) {
    String prelude = "-- // in a comment, '<<' in a string: neither counts\n";
    assertThatThrownBy(() -> Policies.load(dir, prelude + line + "\nlocal url = 'http://x'\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy.lua:" + at + ": Lua 5.3+ syntax, not supported by LuaJ (Lua 5.2): "
            + what);
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
