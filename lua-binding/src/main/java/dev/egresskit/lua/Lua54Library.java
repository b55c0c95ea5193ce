package dev.egresskit.lua;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.Bit32Lib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The parts of Lua 5.3/5.4's standard library that LuaJ (Lua 5.2) lacks and that can be plain
 * functions: {@code table.move}, {@code math.tointeger}, {@code math.type},
 * {@code math.maxinteger}/{@code mininteger}, {@code math.ult} and the {@code utf8} library
 * ({@link Utf8Library}); plus Lua 5.2's {@code bit32}, and the functions that chunks rewritten
 * from Lua 5.4's operators call ({@link Lua54Operators}). {@code string.pack}/{@code unpack} are
 * not provided.
 */
final class Lua54Library {
  /** The most elements one {@code table.move} copies: work a single call does in Java. */
  static final long MAX_MOVE = 16L * 1024 * 1024;

  private Lua54Library() {}

  /** Adds the functions to the {@code table}, {@code math} globals and the new libraries. */
  static void install(Globals globals) {
    LuaValue table = globals.get("table");
    table.set("move", new TableMove());
    LuaValue math = globals.get("math");
    math.set("tointeger", new ToInteger());
    math.set("type", new MathType());
    // LuaJ's integers are Java ints; larger whole numbers are doubles.
    math.set("maxinteger", LuaValue.valueOf(Integer.MAX_VALUE));
    math.set("mininteger", LuaValue.valueOf(Integer.MIN_VALUE));
    math.set("ult", new TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue m, LuaValue n) {
        return valueOf(Long.compareUnsigned(m.checklong(), n.checklong()) < 0);
      }
    });
    globals.set("utf8", Utf8Library.create());
    // Bit32Lib registers itself in package.loaded: build it in a scratch environment.
    Globals scratch = new Globals();
    scratch.set("package", LuaValue.tableOf(new LuaValue[] {
        LuaValue.valueOf("loaded"), new org.luaj.vm2.LuaTable()}));
    globals.set("bit32", new Bit32Lib().call(LuaValue.valueOf("bit32"), scratch));
    globals.set(Lua54Rewrite.OPERATORS_GLOBAL, Lua54Operators.create());
  }

  /** {@code table.move(a1, f, e, t [, a2])}. */
  private static final class TableMove extends VarArgFunction {
    @Override
    public Varargs invoke(Varargs args) {
      LuaValue from = args.checktable(1);
      long first = args.checklong(2);
      long end = args.checklong(3);
      long target = args.checklong(4);
      LuaValue to = args.isnoneornil(5) ? from : args.checktable(5);
      if (end >= first) {
        if (end - first >= MAX_MOVE) {
          throw new LuaError("table.move: moving " + (end - first + 1) + " elements is more than"
              + " the sandbox's limit of " + MAX_MOVE);
        }
        // Overlapping ranges copy backwards, as Lua's does, so no element is read after it was
        // overwritten.
        if (target > end || target <= first || to != from) {
          for (long i = 0; i <= end - first; i++) {
            to.set(LuaValue.valueOf((double) (target + i)), from.get(valueOf(first + i)));
          }
        } else {
          for (long i = end - first; i >= 0; i--) {
            to.set(LuaValue.valueOf((double) (target + i)), from.get(valueOf(first + i)));
          }
        }
      }
      return to;
    }

    private static LuaValue valueOf(long n) {
      return LuaValue.valueOf((double) n);
    }
  }

  /** {@code math.tointeger(x)}: the integer equal to {@code x}, or nil. */
  private static final class ToInteger extends OneArgFunction {
    @Override
    public LuaValue call(LuaValue x) {
      LuaValue n = x.tonumber();
      if (n.isnil()) {
        return NIL;
      }
      double d = n.todouble();
      return d == Math.rint(d) && !Double.isInfinite(d) ? LuaValue.valueOf(d) : NIL;
    }
  }

  /**
   * {@code math.type(x)}: {@code "integer"}, {@code "float"} or nil. LuaJ keeps a whole number
   * as an integer, so {@code math.type(3.0)} is {@code "integer"} here (Lua 5.4: float).
   */
  private static final class MathType extends OneArgFunction {
    @Override
    public LuaValue call(LuaValue x) {
      if (x.type() != TNUMBER) {
        return NIL;
      }
      return valueOf(x.isinttype() ? "integer" : "float");
    }
  }
}
