package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * The library functions that loop or allocate inside one Java call: each checks the handler
 * deadline and the sandbox's size bounds. The deadline cases arm the tracker with a deadline that
 * has already passed, so they are decided by the work counted, not by the clock.
 */
class LibraryBoundsTest {
  private static final String EXPIRED = "the deadline passed";
  private final CallTracker tracker = new CallTracker();
  private final Globals globals = Sandbox.newGlobals(tracker);

  @AfterEach
  void disarm() {
    if (tracker.armed()) {
      tracker.disarm();
    }
  }

  private LuaValue run(String lua) {
    return globals.load(lua, "bounds.lua").call();
  }

  private void expireDeadline() {
    tracker.arm(System.nanoTime() - 1, () -> EXPIRED);
  }

  private static LuaValue bigTable() {
    LuaTable t = new LuaTable();
    for (int i = 1; i <= 100_000; i++) {
      t.set(i, LuaValue.valueOf(100_000 - i));
    }
    return t;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "string.find(string.rep('a', 40), string.rep('a*', 40) .. 'b')",
      "string.match(string.rep('a', 40), string.rep('a*', 40) .. 'b')",
      "string.gmatch(string.rep('a', 40), string.rep('a-', 40) .. 'b')()",
      "string.gsub(string.rep('a', 40), string.rep('a?', 40) .. 'b', '')",
      "string.find(string.rep('a', 2^20), string.rep('a', 2^10) .. 'b', 1, true)",
      "string.rep('(', 2^16):find('%b()')",
      "string.rep('a', 2^16):find('(.*)%1b')",
  })
  void aPatternFunctionStopsAtTheDeadlineInsideOneCall(String call) {
    // Under a live deadline each of these runs for minutes (exponential backtracking).
    expireDeadline();
    assertThatThrownBy(() -> run("return " + call))
        .isInstanceOf(LuaError.class).hasMessageContaining(EXPIRED);
    assertThat(tracker.expired()).isTrue();
  }

  @Test
  void tableFunctionsCheckTheDeadlineAsTheyGo() {
    globals.set("big", bigTable());
    expireDeadline();
    for (String call : new String[] {"table.sort(big)", "table.concat(big, ',')",
        "table.sort(big, function(a, b) return a > b end)"}) {
      assertThatThrownBy(() -> globals.load("return " + call).call())
          .as(call).isInstanceOf(LuaError.class).hasMessageContaining(EXPIRED);
    }
  }

  @Test
  void loadStopsAReaderWrittenInJavaAtTheDeadline() {
    expireDeadline();
    // os.clock never runs a Lua instruction: only the reading loop can stop it.
    assertThatThrownBy(() -> run("return load(os.clock)"))
        .isInstanceOf(LuaError.class).hasMessageContaining(EXPIRED);
  }

  @Test
  void withoutADeadlineTheSameFunctionsFinish() {
    globals.set("big", bigTable());
    run("table.sort(big) assert(big[1] == 0 and big[100000] == 99999)\n"
        + "assert(#table.concat(big, ',') > 100000)\n"
        + "assert(string.find(string.rep('a', 20) .. 'b', string.rep('a*', 20) .. 'b') == 1)\n"
        + "local n = 0 local f = load(function() n = n + 1 if n < 4 then return 'x = 1 ' end end)\n"
        + "assert(f)\n"
        + "local parts = {'return ', 42}\n"
        + "local g = load(function() return table.remove(parts, 1) end)\n"
        + "assert(g() == 42)\n"
        + "local h, err = load(function() return {} end)\n"
        + "assert(h == nil and err == 'reader function must return a string', err)\n");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "string.rep('x', 2^24 + 1)",
      "string.rep('x', 2^23 + 1, ',')",
      "string.rep('', 2^60, 'ab')",
      "string.gsub(string.rep('x', 2^10), 'x', string.rep('y', 2^14 + 1))",
      "string.gsub(string.rep('x', 2^10), 'x', function() return string.rep('y', 2^14 + 1) end)",
      "string.format('%s%s', string.rep('x', 2^23 + 1), string.rep('x', 2^23))",
      "string.format('%q', string.rep('\\0', 2^22 + 1))",
      "table.concat({string.rep('x', 2^23), string.rep('x', 2^23)}, ',')",
      "(function() local s = 'x' for i = 1, 40 do s = s .. s end end)()",
      "(function() local s = string.rep('x', 2^23) return s .. 1 .. s end)()",
      "load(function() return string.rep('x', 2^20) end)",
      "print(string.rep('x', 2^23), string.rep('x', 2^23))",
      "os.date(string.rep('%c', 2^20))",
  })
  void aStringOverTheLimitIsAnErrorNotAnAllocation(String call) {
    assertThatThrownBy(() -> run("return " + call)).isInstanceOf(LuaError.class)
        .hasMessageContaining("larger than the sandbox's limit of 16777216 bytes");
  }

  @Test
  void resultsUpToTheLimitAreBuilt() {
    run("assert(#string.rep('x', 2^24) == 2^24)\n"
        + "assert(string.rep('ab', 3, ',') == 'ab,ab,ab')\n"
        + "assert(string.rep('x', 0, ',') == '' and string.rep('x', -1) == '')\n"
        + "assert(string.rep('', 2^60) == '')\n"
        + "assert(#string.format('%s', string.rep('x', 2^24 - 600)) == 2^24 - 600)\n"
        + "local s = string.rep('x', 2^23) assert(#(s .. s) == 2^24)\n"
        + "assert(#select(1, string.gsub(string.rep('x', 2^20), 'x', string.rep('y', 16))) == 2^24)\n");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "table.unpack({}, 1, 1e7) | too many results to unpack",
      "table.unpack({}, -2^40, 2^40) | too many results to unpack",
      "string.byte(string.rep('x', 2^21), 1, -1) | string slice too long",
  })
  void tooManyResultsAreRefusedAsLua54Does(String caseText) {
    String[] parts = caseText.split(" \\| ");
    assertThatThrownBy(() -> run("return " + parts[0])).isInstanceOf(LuaError.class)
        .hasMessageContaining(parts[1]);
  }

  @Test
  void valuesUpToTheLimitAreReturned() {
    run("assert(select('#', table.unpack({}, 1, 1e6)) == 1e6)\n"
        + "assert(select('#', string.byte(string.rep('x', 1e6), 1, -1)) == 1e6)\n"
        + "assert(select('#', string.byte('abc', 1, 2^40)) == 3)\n"
        + "assert(select('#', table.unpack({1, 2, 3})) == 3)\n");
  }

  @Test
  void formatWidthsAndPrecisionsOverTwoDigitsAreRefused() {
    for (String spec : new String[] {"%100d", "%5.100f", "%999999999s"}) {
      assertThatThrownBy(() -> run("return string.format('" + spec + "', 1)")).as(spec)
          .isInstanceOf(LuaError.class).hasMessageContaining("invalid format");
    }
    run("assert(#string.format('%99d', 1) == 99)\n");
  }

  @Test
  void aPatternNestedTooDeeplyIsTooComplexAsInLua() {
    assertThatThrownBy(() -> run("return string.match(string.rep('a', 300), string.rep('a?', 300))"))
        .isInstanceOf(LuaError.class).hasMessageContaining("pattern too complex");
    assertThatThrownBy(() -> run("return string.find('a', string.rep('()', 33))"))
        .isInstanceOf(LuaError.class).hasMessageContaining("too many captures");
  }

  @Test
  void stringMethodsUseTheSandboxesMatcher() {
    run("assert(('key = value'):match('(%w+)%s*=%s*(%w+)') == 'key')\n"
        + "assert(select(2, ('a,b,,c'):gsub(',', ';')) == 3)\n"
        + "assert(('x'):rep(3, '-') == 'x-x-x')\n");
    assertThatThrownBy(() -> run("return ('a'):find('%f')")).isInstanceOf(LuaError.class)
        .hasMessageContaining("missing '[' after '%f' in pattern");
  }
}
