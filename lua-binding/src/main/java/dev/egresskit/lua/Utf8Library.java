package dev.egresskit.lua;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua 5.4's {@code utf8} library, written from the reference manual: {@code char},
 * {@code charpattern}, {@code codepoint}, {@code len}, {@code offset} and {@code codes}, on
 * Lua's byte strings (strict UTF-8 unless {@code lax} is given).
 */
final class Utf8Library {
  private static final long MAX_STRICT = 0x10FFFF;
  private static final long MAX_LAX = 0x7FFFFFFF;

  private Utf8Library() {}

  static LuaTable create() {
    LuaTable utf8 = new LuaTable();
    utf8.set("charpattern", LuaValue.valueOf(new byte[] {
        '[', 0, '-', 0x7F, (byte) 0xC2, '-', (byte) 0xFD, ']', '[', (byte) 0x80, '-',
        (byte) 0xBF, ']', '*'}));
    utf8.set("char", function("char", Utf8Library::chars));
    utf8.set("codepoint", function("codepoint", Utf8Library::codepoint));
    utf8.set("len", function("len", Utf8Library::len));
    utf8.set("offset", function("offset", Utf8Library::offset));
    utf8.set("codes", function("codes", Utf8Library::codes));
    return utf8;
  }

  private interface Body {
    Varargs apply(Varargs args);
  }

  private static LuaValue function(String name, Body body) {
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        return body.apply(args);
      }

      @Override
      public String tojstring() {
        return "function: utf8." + name;
      }
    };
  }

  /** One decoded character: its code point and its length in bytes, or null if invalid. */
  private record Decoded(long code, int length) {}

  private static Decoded decode(LuaString s, int at, boolean lax) {
    int c = s.luaByte(at);
    if (c < 0x80) {
      return new Decoded(c, 1);
    }
    int count;
    long code;
    if (c >= 0xC0 && c < 0xE0) {
      count = 1;
      code = c & 0x1F;
    } else if (c >= 0xE0 && c < 0xF0) {
      count = 2;
      code = c & 0x0F;
    } else if (c >= 0xF0 && c < 0xF8) {
      count = 3;
      code = c & 0x07;
    } else if (lax && c >= 0xF8 && c < 0xFC) {
      count = 4;
      code = c & 0x03;
    } else if (lax && c >= 0xFC && c < 0xFE) {
      count = 5;
      code = c & 0x01;
    } else {
      return null;
    }
    if (at + count >= s.length()) {
      return null;
    }
    for (int k = 1; k <= count; k++) {
      int next = s.luaByte(at + k);
      if ((next & 0xC0) != 0x80) {
        return null;
      }
      code = (code << 6) | (next & 0x3F);
    }
    long[] minimum = {0, 0x80, 0x800, 0x10000, 0x200000, 0x4000000};
    if (code < minimum[count]) {
      return null; // an overlong form
    }
    if (!lax && (code > MAX_STRICT || (code >= 0xD800 && code <= 0xDFFF))) {
      return null;
    }
    return new Decoded(code, count + 1);
  }

  private static int position(long i, int length) {
    if (i >= 0) {
      return (int) Math.min(i, (long) length + 1);
    }
    return -i > length ? 0 : (int) (length + i + 1);
  }

  private static Varargs chars(Varargs args) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int n = 1; n <= args.narg(); n++) {
      long code = args.checklong(n);
      if (code < 0 || code > MAX_LAX) {
        throw new LuaError("bad argument #" + n + " to 'char' (value out of range)");
      }
      encode(code, out);
    }
    return LuaValue.valueOf(out.toByteArray());
  }

  private static void encode(long code, java.io.ByteArrayOutputStream out) {
    if (code < 0x80) {
      out.write((int) code);
      return;
    }
    int count = code < 0x800 ? 1 : code < 0x10000 ? 2 : code < 0x200000 ? 3
        : code < 0x4000000 ? 4 : 5;
    int[] lead = {0, 0xC0, 0xE0, 0xF0, 0xF8, 0xFC};
    out.write((int) (lead[count] | (code >> (6 * count))));
    for (int k = count - 1; k >= 0; k--) {
      out.write((int) (0x80 | ((code >> (6 * k)) & 0x3F)));
    }
  }

  private static Varargs codepoint(Varargs args) {
    LuaString s = args.checkstring(1);
    int i = position(args.optlong(2, 1), s.length());
    int j = position(args.optlong(3, i), s.length());
    boolean lax = args.arg(4).toboolean();
    if (i < 1) {
      throw new LuaError("bad argument #2 to 'codepoint' (out of bounds)");
    }
    if (j > s.length()) {
      throw new LuaError("bad argument #3 to 'codepoint' (out of bounds)");
    }
    java.util.List<LuaValue> codes = new java.util.ArrayList<>();
    for (int at = i - 1; at < j; ) {
      Decoded d = decode(s, at, lax);
      if (d == null) {
        throw new LuaError("invalid UTF-8 code");
      }
      codes.add(LuaValue.valueOf((double) d.code()));
      at += d.length();
    }
    return LuaValue.varargsOf(codes.toArray(new LuaValue[0]));
  }

  private static Varargs len(Varargs args) {
    LuaString s = args.checkstring(1);
    int i = position(args.optlong(2, 1), s.length());
    int j = position(args.optlong(3, -1), s.length());
    boolean lax = args.arg(4).toboolean();
    if (i < 1 || i > s.length() + 1) {
      throw new LuaError("bad argument #2 to 'len' (initial position out of bounds)");
    }
    if (j > s.length()) {
      throw new LuaError("bad argument #3 to 'len' (final position out of bounds)");
    }
    long n = 0;
    for (int at = i - 1; at < j; n++) {
      Decoded d = decode(s, at, lax);
      if (d == null) {
        return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(at + 1));
      }
      at += d.length();
    }
    return LuaValue.valueOf((double) n);
  }

  private static boolean continuation(LuaString s, int at) {
    return at < s.length() && (s.luaByte(at) & 0xC0) == 0x80;
  }

  private static Varargs offset(Varargs args) {
    LuaString s = args.checkstring(1);
    long n = args.checklong(2);
    long defaultI = n >= 0 ? 1 : s.length() + 1;
    int i = position(args.optlong(3, defaultI), s.length());
    if (i < 1 || i > s.length() + 1) {
      throw new LuaError("bad argument #3 to 'offset' (position out of bounds)");
    }
    int at = i - 1;
    if (n == 0) {
      while (at > 0 && continuation(s, at)) {
        at--;
      }
      return LuaValue.valueOf(at + 1);
    }
    if (continuation(s, at)) {
      throw new LuaError("initial position is a continuation byte");
    }
    if (n < 0) {
      while (n < 0 && at > 0) {
        do {
          at--;
        } while (at > 0 && continuation(s, at));
        n++;
      }
    } else {
      n--;
      while (n > 0 && at < s.length()) {
        do {
          at++;
        } while (continuation(s, at));
        n--;
      }
    }
    return n == 0 ? LuaValue.valueOf(at + 1) : LuaValue.NIL;
  }

  private static Varargs codes(Varargs args) {
    LuaString s = args.checkstring(1);
    boolean lax = args.arg(2).toboolean();
    LuaValue step = function("codes iterator", state -> {
      LuaString text = state.checkstring(1);
      int at = state.checkint(2);
      if (at > 0) {
        at--; // back to the byte of the previous character, then past it
        do {
          at++;
        } while (continuation(text, at));
      }
      if (at >= text.length()) {
        return LuaValue.NIL;
      }
      Decoded d = decode(text, at, lax);
      if (d == null || continuation(text, at + d.length())) {
        throw new LuaError("invalid UTF-8 code");
      }
      return LuaValue.varargsOf(LuaValue.valueOf(at + 1), LuaValue.valueOf((double) d.code()));
    });
    return LuaValue.varargsOf(step, s, LuaValue.valueOf(0));
  }
}
