package dev.egresskit.lua;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.TwoArgFunction;

/**
 * Lua 5.4's floor division and bitwise operators as functions, called by chunks that
 * {@link Lua54Rewrite} rewrote. Each does what Lua 5.4's operator does on the numbers LuaJ has,
 * with Lua 5.4's error texts (checked against the reference interpreter by
 * {@code Lua54OperatorsDifferentialTest}): floor division converts strings that read as numbers
 * and refuses a whole number divided by zero; bitwise operands must be numbers (strings are not
 * converted) with an integer representation, taken as 64-bit integers (results beyond 2^53 lose
 * precision, as every number beyond 32 bits does in LuaJ); a table or userdata operand uses its
 * {@code __idiv}, {@code __band}, ... metamethod. Also the check a {@code <close>} variable's
 * value gets ({@link #toClose}).
 */
final class Lua54Operators {
  private static final int TNUMBER = LuaValue.TNUMBER;
  private static final int TSTRING = LuaValue.TSTRING;

  private Lua54Operators() {}

  /** The table installed as {@link Lua54Rewrite#OPERATORS_GLOBAL}. */
  static LuaTable create() {
    LuaTable operators = new LuaTable();
    operators.set("idiv", new TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue a, LuaValue b) {
        LuaValue x = a.tonumber();
        LuaValue y = b.tonumber();
        if (x.isnil() || y.isnil()) {
          LuaValue handler = handler(a, b, "__idiv");
          if (!handler.isnil()) {
            return handler.call(a, b);
          }
          if (a.type() == TSTRING || b.type() == TSTRING) {
            // Lua 5.4's string library does arithmetic on strings, and words its refusal so.
            throw new LuaError("attempt to idiv a '" + a.typename() + "' with a '"
                + b.typename() + "'");
          }
          throw refused(a, b, false);
        }
        double dx = x.todouble();
        double dy = y.todouble();
        if (isWhole(dx) && isWhole(dy)) {
          if (dy == 0) {
            throw new LuaError("attempt to divide by zero");
          }
          return number(Math.floorDiv((long) dx, (long) dy));
        }
        return LuaValue.valueOf(Math.floor(dx / dy));
      }
    });
    operators.set("band", bitwise("__band", (x, y) -> x & y));
    operators.set("bor", bitwise("__bor", (x, y) -> x | y));
    operators.set("bxor", bitwise("__bxor", (x, y) -> x ^ y));
    operators.set("shl", bitwise("__shl", Lua54Operators::shiftLeft));
    operators.set("shr", bitwise("__shr", (x, n) -> shiftLeft(x, n == Long.MIN_VALUE
        ? Long.MAX_VALUE : -n)));
    operators.set("bnot", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue a) {
        Long x = integer(a);
        // Lua 5.4 passes the operand twice to a unary metamethod.
        return x != null ? number(~x) : bitwiseMetamethod(a, a, "__bnot");
      }
    });
    operators.set("toclose", new TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue value, LuaValue name) {
        return toClose(value, name.tojstring());
      }
    });
    return operators;
  }

  /**
   * What {@code local x <close> = value} may hold here: nil, false, or an object of the
   * {@code kumo} library (its close does nothing a policy could see). LuaJ cannot call a close
   * handler when the variable goes out of scope, so a value with a policy's own {@code __close}
   * is refused where it is declared rather than silently never closed; one without any is
   * refused as Lua 5.4 refuses it.
   */
  static LuaValue toClose(LuaValue value, String name) {
    if (!value.toboolean()) {
      return value;
    }
    LuaValue close = value.metatag(LibraryCloser.EVENT);
    if (close instanceof LibraryCloser) {
      return value;
    }
    if (close.isnil()) {
      throw new LuaError("variable '" + name + "' got a non-closable value");
    }
    throw new LuaError("variable '" + name + "' is <close> with the policy's own __close"
        + " metamethod, which EgressKit (LuaJ, Lua 5.2) cannot call when the variable goes out"
        + " of scope: drop <close> and close the value explicitly");
  }

  /** Lua 5.4's logical shift: negative counts shift the other way, 64 or more give 0. */
  private static long shiftLeft(long x, long n) {
    if (n <= -64 || n >= 64) {
      return 0;
    }
    return n >= 0 ? x << n : x >>> -n;
  }

  private interface LongOperator {
    long apply(long x, long y);
  }

  private static TwoArgFunction bitwise(String event, LongOperator operator) {
    return new TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue a, LuaValue b) {
        Long x = integer(a);
        Long y = integer(b);
        return x != null && y != null ? number(operator.apply(x, y))
            : bitwiseMetamethod(a, b, event);
      }
    };
  }

  /** The first operand's metamethod for {@code event}, else the second's, else nil. */
  private static LuaValue handler(LuaValue a, LuaValue b, String event) {
    LuaValue handler = a.metatag(LuaValue.valueOf(event));
    return handler.isnil() ? b.metatag(LuaValue.valueOf(event)) : handler;
  }

  /** An operand's metamethod for a bitwise {@code event}, else the error Lua 5.4 raises. */
  private static LuaValue bitwiseMetamethod(LuaValue a, LuaValue b, String event) {
    LuaValue handler = handler(a, b, event);
    if (handler.isnil()) {
      throw refused(a, b, true);
    }
    return handler.call(a, b);
  }

  /**
   * Lua 5.4's error for operands neither the operation nor a metamethod takes: it names the
   * first operand that is not a number (for a bitwise operation: not of the number type, strings
   * included); two numbers fail a bitwise operation for want of an integer representation.
   */
  private static LuaError refused(LuaValue a, LuaValue b, boolean bitwise) {
    boolean aIsOperand = bitwise ? a.type() == TNUMBER : !a.tonumber().isnil();
    LuaValue culprit = aIsOperand ? b : a;
    if (bitwise && culprit.type() == TNUMBER) {
      return new LuaError("number has no integer representation");
    }
    return new LuaError("attempt to perform " + (bitwise ? "bitwise operation" : "arithmetic")
        + " on a " + culprit.typename() + " value");
  }

  /**
   * The operand as a 64-bit integer, or null when it is not a number (Lua 5.4 converts no
   * string for a bitwise operation) or has no integer representation.
   */
  private static Long integer(LuaValue value) {
    if (value.type() != TNUMBER) {
      return null;
    }
    double d = value.todouble();
    return isWhole(d) ? (long) d : null;
  }

  private static boolean isWhole(double d) {
    return d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63;
  }

  private static LuaValue number(long n) {
    return n == (int) n ? LuaValue.valueOf((int) n) : LuaValue.valueOf((double) n);
  }
}
