package dev.egresskit.lua;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Bounds the base and {@code os} functions that loop or allocate in Java in proportion to their
 * input: {@code load} with a reader function (the pieces are gathered here, at most
 * {@link SandboxLimits#MAX_STRING_BYTES} of them, checking the deadline between calls — a reader
 * written in Java, such as {@code os.clock}, never runs a Lua instruction), {@code print} (one
 * line at most the limit) and {@code os.date} (a format whose expansion could pass the limit).
 */
final class BoundedBaseLib {
  /** The most one {@code os.date} conversion expands to ({@code %c}: 2 bytes to 24). */
  private static final int DATE_EXPANSION = 16;

  private BoundedBaseLib() {}

  /** Wraps the globals' {@code load}, {@code print} and {@code os.date}. */
  static void install(Globals globals) {
    globals.set("load", new ReaderLoad(globals.get("load")));
    globals.set("print", new BoundedPrint(globals.get("print"), globals.get("tostring")));
    LuaValue os = globals.get("os");
    os.set("date", new BoundedDate(os.get("date")));
  }

  /** {@code load(reader, ...)}: reads the pieces under the bounds, then loads the text. */
  private static final class ReaderLoad extends VarArgFunction {
    private final LuaValue load;

    ReaderLoad(LuaValue load) {
      this.load = load;
      this.name = "load";
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaValue chunk = args.arg1();
      if (!chunk.isfunction()) {
        return load.invoke(args);
      }
      BoundedBuffer text = new BoundedBuffer("load (the chunk its reader function returned)");
      while (true) {
        SandboxLimits.DEADLINE.check();
        LuaValue piece = chunk.call();
        if (piece.isnil() || SandboxLimits.textLength(piece) == 0 && piece.isstring()) {
          break;
        }
        if (!piece.isstring()) {
          return varargsOf(NIL, valueOf("reader function must return a string"));
        }
        text.append(piece.strvalue());
      }
      LuaValue[] rest = new LuaValue[Math.max(1, args.narg())];
      rest[0] = text.toLuaString();
      for (int i = 1; i < rest.length; i++) {
        rest[i] = args.arg(i + 1);
      }
      return load.invoke(varargsOf(rest));
    }
  }

  /** {@code print(...)}: converts each value once, refusing a line over the limit. */
  private static final class BoundedPrint extends VarArgFunction {
    private final LuaValue print;
    private final LuaValue tostring;

    BoundedPrint(LuaValue print, LuaValue tostring) {
      this.print = print;
      this.tostring = tostring;
      this.name = "print";
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaValue[] texts = new LuaValue[args.narg()];
      long total = 0;
      for (int i = 0; i < texts.length; i++) {
        texts[i] = tostring.call(args.arg(i + 1));
        total += SandboxLimits.textLength(texts[i]) + 1;
        SandboxLimits.checkLength("print", total);
      }
      return print.invoke(varargsOf(texts));
    }
  }

  /** {@code os.date(format, time)} refusing formats that could expand past the limit. */
  private static final class BoundedDate extends VarArgFunction {
    private final LuaValue date;

    BoundedDate(LuaValue date) {
      this.date = date;
      this.name = "date";
    }

    @Override
    public Varargs invoke(Varargs args) {
      if (args.arg1().isstring()) {
        LuaString format = args.arg1().strvalue();
        SandboxLimits.checkLength("os.date", (long) format.m_length * DATE_EXPANSION);
      }
      return date.invoke(args);
    }
  }
}
