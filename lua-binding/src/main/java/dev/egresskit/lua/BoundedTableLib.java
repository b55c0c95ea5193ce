package dev.egresskit.lua;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Replaces the functions of LuaJ's {@code table} library that work in proportion to their input
 * inside one call: {@code concat} (result bounded by {@link SandboxLimits#MAX_STRING_BYTES},
 * deadline checked as it goes), {@code unpack} (at most {@link SandboxLimits#MAX_VALUES} results,
 * as Lua 5.4) and {@code sort} (the deadline is checked between comparisons, also when LuaJ
 * compares in Java).
 */
final class BoundedTableLib {
  private static final int CHECK_EVERY = 4096;

  private BoundedTableLib() {}

  /** Replaces the unbounded functions of the globals' {@code table} library. */
  static void install(Globals globals) {
    LuaValue table = globals.get("table");
    table.set("concat", new Concat());
    table.set("unpack", new Unpack());
    table.set("sort", new Sort(table.get("sort")));
  }

  /** {@code table.concat(list [, sep [, i [, j]]])}. */
  private static final class Concat extends VarArgFunction {
    Concat() {
      this.name = "concat";
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaTable list = args.checktable(1);
      LuaValue separator = args.isnoneornil(2) ? LuaValue.EMPTYSTRING : args.checkstring(2);
      long first = args.optlong(3, 1);
      long last = args.isnoneornil(4) ? list.length() : args.checklong(4);
      BoundedBuffer out = new BoundedBuffer("table.concat");
      for (long i = first; i <= last; i++) {
        if ((i - first) % CHECK_EVERY == CHECK_EVERY - 1) {
          SandboxLimits.DEADLINE.check();
        }
        LuaValue value = list.get(LuaValue.valueOf(i));
        if (!value.isstring()) {
          throw new LuaError("invalid value (at index " + i + ") in table for 'concat'");
        }
        out.append(value.strvalue());
        if (i < last) {
          out.append(separator.strvalue());
        }
      }
      return out.toLuaString();
    }
  }

  /** {@code table.unpack(list [, i [, j]])}. */
  private static final class Unpack extends VarArgFunction {
    Unpack() {
      this.name = "unpack";
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaValue list = args.arg1();
      long first = args.optlong(2, 1);
      long last = args.isnoneornil(3) ? list.length() : args.checklong(3);
      if (first > last) {
        return NONE;
      }
      if (last - first >= SandboxLimits.MAX_VALUES) {
        throw new LuaError("too many results to unpack");
      }
      LuaValue[] values = new LuaValue[(int) (last - first + 1)];
      for (int k = 0; k < values.length; k++) {
        values[k] = list.get(LuaValue.valueOf(first + k));
      }
      return varargsOf(values);
    }
  }

  /** {@code table.sort(list [, comp])}, LuaJ's sort with the deadline checked as it compares. */
  private static final class Sort extends VarArgFunction {
    private final LuaValue sort;

    Sort(LuaValue sort) {
      this.sort = sort;
      this.name = "sort";
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaValue list = args.checktable(1);
      LuaValue order = args.arg(2);
      if (!order.isnil()) {
        order.checkfunction();
      }
      return sort.invoke(list, new CheckedOrder(order));
    }
  }

  /** Compares as the given function (or {@code <}) does, checking the deadline now and then. */
  private static final class CheckedOrder extends TwoArgFunction {
    private final LuaValue order;
    private int countdown = CHECK_EVERY;

    CheckedOrder(LuaValue order) {
      this.order = order;
    }

    @Override
    public LuaValue call(LuaValue a, LuaValue b) {
      if (--countdown == 0) {
        countdown = CHECK_EVERY;
        SandboxLimits.DEADLINE.check();
      }
      return order.isnil() ? valueOf(a.lt_b(b)) : order.call(a, b);
    }
  }
}
