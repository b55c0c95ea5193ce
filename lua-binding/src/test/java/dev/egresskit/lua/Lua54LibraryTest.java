package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.PolicyException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What Lua 5.3/5.4 added that LuaJ (Lua 5.2) provides here as plain functions. */
class Lua54LibraryTest {
  @TempDir Path dir;

  @Test
  void utf8EncodesDecodesAndCounts() {
    Policies.assertLoads(dir, "local s = utf8.char(72, 228, 8364, 128512)\n"
        + "assert(s == 'H\\195\\164\\226\\130\\172\\240\\159\\152\\128', s)\n"
        + "assert(utf8.len(s) == 4)\n"
        + "assert(select('#', utf8.codepoint(s, 1, -1)) == 4)\n"
        + "assert(utf8.codepoint(s, 2) == 228)\n"
        + "assert(utf8.offset(s, 3) == 4 and utf8.offset(s, -1) == 7 and utf8.offset(s, 0, 3) == 2)\n"
        + "local codes = {}\n"
        + "for p, c in utf8.codes(s) do codes[#codes + 1] = p .. ':' .. c end\n"
        + "assert(table.concat(codes, ',') == '1:72,2:228,4:8364,7:128512', table.concat(codes, ','))\n"
        + "local n, bad = utf8.len('ab\\255c')\n"
        + "assert(n == nil and bad == 3)\n"
        + "local count = 0\n"
        + "for _ in string.gmatch(s, utf8.charpattern) do count = count + 1 end\n"
        + "assert(count == 4)\n");
  }

  @Test
  void invalidUtf8InCodepointIsAnError() {
    assertThatThrownBy(() -> Policies.load(dir, "utf8.codepoint('\\255')\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("invalid UTF-8 code");
  }

  @Test
  void tableMoveCopiesRangesIncludingOverlappingOnes() {
    Policies.assertLoads(dir, "local t = table.move({1, 2, 3}, 1, 3, 2)\n"
        + "assert(table.concat(t, ',') == '1,1,2,3', table.concat(t, ','))\n"
        + "local u = table.move({1, 2, 3, 4}, 2, 4, 1)\n"
        + "assert(table.concat(u, ',') == '2,3,4,4')\n"
        + "local dest = table.move({'a', 'b'}, 1, 2, 3, {'x', 'y'})\n"
        + "assert(table.concat(dest, ',') == 'x,y,a,b')\n");
  }

  @Test
  void tableMoveIsBounded() {
    assertThatThrownBy(() -> Policies.load(dir, "table.move({}, 1, 1e12, 2)\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("table.move: moving 1000000000000 elements is more than the"
            + " sandbox's limit");
  }

  @Test
  void mathGainsTointegerTypeAndUlt() {
    Policies.assertLoads(dir, "assert(math.tointeger(3.0) == 3 and math.tointeger(3.5) == nil)\n"
        + "assert(math.tointeger('8') == 8 and math.tointeger({}) == nil)\n"
        + "assert(math.type(1) == 'integer' and math.type(1.5) == 'float')\n"
        + "assert(math.type('1') == nil)\n"
        + "assert(math.maxinteger > 0 and math.mininteger < 0)\n"
        + "assert(math.ult(1, 2) and not math.ult(2, 1))\n");
  }

  @Test
  void bit32StandsInForTheBitwiseOperators() {
    Policies.assertLoads(dir, "assert(bit32.band(6, 3) == 2 and bit32.bor(6, 3) == 7 and bit32.bxor(6, 3) == 5)\n"
        + "assert(bit32.lshift(1, 4) == 16 and bit32.rshift(16, 4) == 1)\n");
  }

  @Test
  void gotoWorksAsInLua52() {
    Policies.assertLoads(dir, "local n = 0\n::again::\nn = n + 1\nif n < 3 then goto again end\nassert(n == 3)\n");
  }
}
