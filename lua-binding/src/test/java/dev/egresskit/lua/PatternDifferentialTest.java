package dev.egresskit.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Replays what the reference Lua 5.4.4 returned for about 17,700 calls of {@code string.find},
 * {@code match}, {@code gmatch}, {@code gsub}, {@code byte} and {@code rep} (results and error
 * texts; the data and the script that produced it are in
 * {@code src/test/resources/lua54-patterns}) against the sandbox's string library, so lua5.4 is
 * not needed to run this test.
 */
class PatternDifferentialTest {
  private static final int GMATCH_ITERATIONS = 40;
  private static final int GMATCH_VALUES = 4;

  private final Globals globals = Sandbox.newGlobals(new CallTracker());
  private final LuaValue string = globals.get("string");
  private final Map<String, LuaValue> fixtures = new HashMap<>();

  @Test
  void everyCaseGivesWhatLua54Gave() throws IOException {
    List<String> lines = lines();
    List<String> mismatches = new ArrayList<>();
    int cases = 0;
    for (String line : lines) {
      String[] fields = line.split("\t", -1);
      if (fields[0].equals("fixture")) {
        fixtures.put(fields[1], globals.load("return " + fields[2]).call());
        continue;
      }
      cases++;
      int arrow = List.of(fields).indexOf("=>");
      LuaValue[] args = new LuaValue[arrow - 1];
      for (int i = 1; i < arrow; i++) {
        args[i - 1] = decode(fields[i]);
      }
      String expected = String.join("\t", List.of(fields).subList(arrow + 1, fields.length));
      String actual = run(fields[0], LuaValue.varargsOf(args));
      if (!actual.equals(expected)) {
        mismatches.add(line + "\n    got: " + actual);
      }
    }
    assertThat(cases).isGreaterThan(15_000);
    assertThat(mismatches).as("%d of %d cases differ from Lua 5.4", mismatches.size(), cases)
        .isEmpty();
  }

  private String run(String function, Varargs args) {
    List<String> out = new ArrayList<>();
    try {
      if (function.equals("gmatch")) {
        LuaValue next = string.get("gmatch").invoke(args).arg1();
        for (int n = 0; n < GMATCH_ITERATIONS; n++) {
          Varargs values = next.invoke();
          if (values.arg1().isnil()) {
            break;
          }
          int count = Math.min(values.narg(), GMATCH_VALUES);
          while (count > 0 && values.arg(count).isnil()) {
            count--;
          }
          for (int i = 1; i <= count; i++) {
            out.add(encode(values.arg(i)));
          }
          out.add("|");
        }
      } else {
        Varargs values = string.get(function).invoke(args);
        for (int i = 1; i <= values.narg(); i++) {
          out.add(encode(values.arg(i)));
        }
      }
    } catch (LuaError e) {
      return "err\t" + escape(e.getMessage().getBytes(StandardCharsets.ISO_8859_1));
    }
    return out.isEmpty() ? "ok" : "ok\t" + String.join("\t", out);
  }

  private LuaValue decode(String field) {
    return switch (field.charAt(0)) {
      case '"' -> LuaString.valueUsing(unescape(field.substring(1)));
      case '#' -> LuaValue.valueOf(Long.parseLong(field.substring(1)));
      case '~' -> LuaValue.NIL;
      case '!' -> LuaValue.valueOf(field.equals("!t"));
      case '@' -> fixtures.get(field);
      default -> throw new IllegalArgumentException("bad field " + field);
    };
  }

  private static String encode(LuaValue v) {
    if (v.isnil()) {
      return "~";
    } else if (v.isboolean()) {
      return v.toboolean() ? "!t" : "!f";
    } else if (v.type() == LuaValue.TNUMBER) {
      assertThat(v.isinttype()).as("integer result %s", v).isTrue();
      return "#" + v.tolong();
    } else if (v.type() == LuaValue.TSTRING) {
      LuaString s = v.strvalue();
      byte[] bytes = new byte[s.m_length];
      s.copyInto(0, bytes, 0, bytes.length);
      return "\"" + escape(bytes);
    }
    throw new AssertionError("unexpected result " + v.typename());
  }

  /** As generate.lua writes strings: printable ASCII as is, other bytes, tab and {@code \} as {@code \xHH}. */
  private static String escape(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      int c = b & 0xFF;
      if (c < 32 || c >= 127 || c == '\\') {
        out.append(String.format("\\x%02x", c));
      } else {
        out.append((char) c);
      }
    }
    return out.toString();
  }

  private static byte[] unescape(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        out.write(Integer.parseInt(text.substring(i + 2, i + 4), 16));
        i += 3;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  private static List<String> lines() throws IOException {
    try (InputStream in = PatternDifferentialTest.class.getResourceAsStream(
        "/lua54-patterns/cases.tsv")) {
      assertThat(in).as("cases.tsv on the test class path").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).lines().toList();
    }
  }
}
