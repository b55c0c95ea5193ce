package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Replays what the reference Lua 5.4.4 returned for about a hundred expressions that use the
 * syntax Lua 5.3 and 5.4 added (the data and the script that produced it are in
 * {@code src/test/resources/lua54-operators}) through the sandbox's {@code load}, which rewrites
 * that syntax for LuaJ ({@link Lua54Rewrite}); lua5.4 is not needed to run this test.
 */
class Lua54OperatorsDifferentialTest {
  private final Globals globals = Sandbox.newGlobals(new CallTracker());

  @Test
  void everyExpressionGivesWhatLua54Gave() throws IOException {
    List<String> mismatches = new ArrayList<>();
    int cases = 0;
    for (String line : lines()) {
      cases++;
      String[] fields = line.split("\t", -1);
      String expected = String.join("\t", List.of(fields).subList(1, fields.length));
      String actual = evaluate(fields[0]);
      if (!actual.equals(expected)) {
        mismatches.add(fields[0] + "\n    Lua 5.4: " + expected + "\n    here:    " + actual);
      }
    }
    assertThat(cases).isGreaterThan(90);
    assertThat(mismatches).as("%d of %d expressions differ from Lua 5.4", mismatches.size(), cases)
        .isEmpty();
  }

  private String evaluate(String expression) {
    Varargs loaded = globals.get("load").invoke(LuaValue.valueOf("return " + expression));
    if (loaded.arg1().isnil()) {
      return "err\t" + message(loaded.arg(2).tojstring());
    }
    Varargs result = globals.get("pcall").invoke(loaded.arg1());
    if (!result.arg1().toboolean()) {
      return "err\t" + message(result.arg(2).tojstring());
    }
    List<String> values = new ArrayList<>();
    for (int i = 2; i <= result.narg(); i++) {
      values.add(format(result.arg(i)));
    }
    return "ok\t" + String.join("\t", values);
  }

  /**
   * Its first line (LuaJ adds a traceback to an error raised by a call in a statement), without
   * the chunk and line (there written {@code load:1 text}), and without the variable Lua 5.4
   * names at the end.
   */
  private static String message(String text) {
    return text.lines().findFirst().orElse("").replaceFirst("^[^:]*:\\d+:? ", "").replaceFirst("\\s*\\(\\w+ '[^']*'\\)$", "");
  }

  /** As generate.lua writes a value. */
  private static String format(LuaValue v) {
    switch (v.type()) {
      case LuaValue.TNUMBER:
        return number(v.todouble());
      case LuaValue.TSTRING:
        return "\"" + escape(v.checkstring());
      case LuaValue.TTABLE:
        List<String> parts = new ArrayList<>();
        for (int i = 1; i <= v.length(); i++) {
          parts.add(format(v.get(i)));
        }
        for (LuaValue key : new LuaValue[] {LuaValue.valueOf(4), LuaValue.valueOf("x")}) {
          if (!v.get(key).isnil()) {
            parts.add(key.tojstring() + "=" + format(v.get(key)));
          }
        }
        return "{" + String.join(",", parts) + "}";
      default:
        return v.tojstring();
    }
  }

  /** C's {@code %.17g}. */
  static String number(double d) {
    if (d == 0) {
      return 1 / d < 0 ? "-0" : "0";
    }
    BigDecimal rounded = new BigDecimal(d).round(new MathContext(17, RoundingMode.HALF_EVEN));
    int exponent = rounded.precision() - rounded.scale() - 1;
    if (exponent >= -4 && exponent < 17) {
      return rounded.stripTrailingZeros().toPlainString();
    }
    String digits = rounded.unscaledValue().abs().toString().replaceFirst("0+$", "");
    String mantissa = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
    return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
        + String.format("%02d", Math.abs(exponent));
  }

  private static String escape(LuaString s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      int b = s.luaByte(i);
      if (b < 32 || b == '\\' || b >= 127) {
        out.append(String.format("\\x%02X", b));
      } else {
        out.append((char) b);
      }
    }
    return out.toString();
  }

  private static List<String> lines() throws IOException {
    try (InputStream in = Lua54OperatorsDifferentialTest.class
        .getResourceAsStream("/lua54-operators/cases.tsv")) {
      assertThat(in).as("cases.tsv on the test class path").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isEmpty()).toList();
    }
  }
}
