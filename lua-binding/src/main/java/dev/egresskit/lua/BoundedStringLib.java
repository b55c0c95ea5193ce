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
    string.set("byte", new Byte(string.get("byte")));
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
        if (at + piece < out.length) {
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
        int length = value.isstring() ? value.rawlen() : 0;
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

  /** {@code string.byte(s [, i [, j]])} returning at most {@link SandboxLimits#MAX_VALUES}. */
  private static final class Byte extends VarArgFunction {
    private final LuaValue bytes;

    Byte(LuaValue bytes) {
      this.bytes = bytes;
      this.name = "byte";
    }

    @Override
    public Varargs invoke(Varargs args) {
      int length = args.checkstring(1).m_length;
      long first = relative(args.optlong(2, 1), length);
      long last = Math.min(length, relative(args.optlong(3, first), length));
      if (last - Math.max(first, 1) >= SandboxLimits.MAX_VALUES) {
        throw new LuaError("string slice too long");
      }
      return bytes.invoke(args);
    }

    private static long relative(long position, int length) {
      return position >= 0 ? position : Math.max(0, length + position + 1);
    }
  }
}
