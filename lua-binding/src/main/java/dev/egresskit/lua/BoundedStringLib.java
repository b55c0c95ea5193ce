package dev.egresskit.lua;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Replaces the functions of LuaJ's {@code string} table that can loop or allocate in proportion to
 * their arguments inside one call: {@code find}, {@code match}, {@code gmatch}, {@code gsub} (the
 * sandbox's own matcher, see {@link PatternFunctions}), {@code rep} and {@code format} (results
 * bounded by {@link SandboxLimits#MAX_STRING_BYTES}) and {@code byte} (at most
 * {@link SandboxLimits#MAX_VALUES} results). The others build at most their input's size.
 */
final class BoundedStringLib {
  private BoundedStringLib() {}

  /** Replaces the unbounded functions of {@code string}, a table made by LuaJ's StringLib. */
  static void install(LuaTable string) {
    PatternFunctions.install(string, SandboxLimits.DEADLINE);
    string.set("rep", new Rep());
    string.set("format", new Format(string.get("format")));
    string.set("byte", new Byte());
  }

  /** {@code string.rep(s, n [, sep])}, with Lua 5.4's separator (LuaJ 3.0.1 ignores it). */
  private static final class Rep extends VarArgFunction {
    Rep() {
      this.name = "rep";
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaString unit = args.checkstring(1);
      long count = args.checklong(2);
      LuaString separator = args.isnoneornil(3) ? LuaString.valueOf("") : args.checkstring(3);
      if (count <= 0) {
        return LuaString.valueOf("");
      }
      long piece = (long) unit.m_length + separator.m_length;
      // Compared by division so that a count like 2^62 cannot overflow the product.
      if (piece > 0 && count > (SandboxLimits.MAX_STRING_BYTES + separator.m_length) / piece) {
        throw SandboxLimits.tooLarge("string.rep");
      }
      if (piece == 0) {
        return LuaString.valueOf("");
      }
      byte[] out = new byte[(int) (count * piece - separator.m_length)];
      for (int at = 0; at < out.length; at += (int) piece) {
        System.arraycopy(unit.m_bytes, unit.m_offset, out, at, unit.m_length);
        if (at + unit.m_length < out.length) {
          System.arraycopy(separator.m_bytes, separator.m_offset, out, at + unit.m_length,
              separator.m_length);
        }
      }
      return LuaString.valueUsing(out);
    }
  }

  /**
   * {@code string.format}: before LuaJ formats, adds up the most each conversion can produce (a
   * string's length, four times it plus two for {@code %q}, 512 for a number, whose width and
   * precision LuaJ limits to two digits) and refuses a total over the limit.
   */
  private static final class Format extends VarArgFunction {
    private static final int NUMBER_MAX = 512;
    private final LuaValue format;

    Format(LuaValue format) {
      this.format = format;
      this.name = "format";
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaString spec = args.checkstring(1);
      long bound = spec.m_length;
      int arg = 1;
      byte[] b = spec.m_bytes;
      int end = spec.m_offset + spec.m_length;
      for (int i = spec.m_offset; i < end; i++) {
        if (b[i] != '%') {
          continue;
        }
        i++;
        if (i < end && b[i] == '%') {
          continue;
        }
        while (i < end && "-+ #0123456789.".indexOf(b[i]) >= 0) {
          i++;
        }
        arg++;
        LuaValue value = args.arg(arg);
        int length = SandboxLimits.textLength(value);
        if (i < end && b[i] == 's') {
          bound += Math.max(length, NUMBER_MAX);
        } else if (i < end && b[i] == 'q') {
          bound += 4L * length + 2;
        } else {
          bound += NUMBER_MAX;
        }
      }
      SandboxLimits.checkLength("string.format", bound);
      return format.invoke(args);
    }
  }

  /**
   * {@code string.byte(s [, i [, j]])} as Lua 5.4 (an end past the string is clamped; LuaJ 3.0.1
   * truncates it to an int), returning at most {@link SandboxLimits#MAX_VALUES} values.
   */
  private static final class Byte extends VarArgFunction {
    Byte() {
      this.name = "byte";
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaString s = args.checkstring(1);
      int length = s.m_length;
      long i = args.optlong(2, 1);
      long first = i > 0 ? i : i == 0 || i < -(long) length ? 1 : length + i + 1;
      long j = args.optlong(3, i);
      long last = j > length ? length : j >= 0 ? j : j < -(long) length ? 0 : length + j + 1;
      if (first > last) {
        return NONE;
      }
      if (last - first >= SandboxLimits.MAX_VALUES) {
        throw new LuaError("string slice too long");
      }
      LuaValue[] values = new LuaValue[(int) (last - first + 1)];
      for (int k = 0; k < values.length; k++) {
        values[k] = valueOf(s.luaByte((int) first - 1 + k));
      }
      return varargsOf(values);
    }
  }
}
