package dev.egresskit.lua;

import java.io.ByteArrayInputStream;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;
import org.luaj.vm2.lib.jse.JseOsLib;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link Globals} of one interpreter from an explicit allow-list of libraries: base
 * ({@code load} takes text only), {@code string}, {@code table}, {@code math}, and an {@code os}
 * with only {@code time}, {@code clock}, {@code date} and {@code getenv}, plus what Lua 5.4 adds
 * that can be a library ({@link Lua54Library}). What is left out ({@code dofile},
 * {@code loadfile}, {@code string.dump}, the rest of {@code os}, and the {@code luajava},
 * {@code io}, {@code debug} and {@code coroutine} libraries) is replaced by stand-ins that raise
 * an error naming it ({@link Blocked}). No undumper is installed, so binary chunks cannot be
 * loaded at all. {@code package} and {@code require} are added by the interpreter
 * ({@link LuaPackage}) and read only what the policy's read rule allows.
 */
final class Sandbox {
  private static final Logger POLICY_LOG = LoggerFactory.getLogger("dev.egresskit.lua.policy");
  private static final String[] OS_ALLOWED = {"time", "clock", "date", "getenv"};
  private static final LuaValue BINARY_REFUSED = LuaValue.valueOf(
      "attempt to load a binary chunk: policies may load only Lua source text (mode 't')");

  static {
    // LuaJ keeps ONE string metatable for the whole JVM (LuaString.s_metatable), set by the first
    // StringLib installed. Pin it to a private, dump-free string table that scripts cannot reach
    // (__metatable hides it), so no interpreter's edits to its own `string` table leak into
    // another's string methods.
    LuaTable methods = stringTable();
    LuaString.s_metatable = LuaValue.tableOf(new LuaValue[] {
        LuaValue.INDEX, methods, LuaValue.METATABLE, LuaValue.valueOf("string")});
  }

  private Sandbox() {}

  /** A fresh, sandboxed global environment with a compiler and the given call tracker. */
  static Globals newGlobals(CallTracker tracker) {
    Globals globals = new Globals();
    LuaTable loaded = new LuaTable();
    // The libraries register themselves in package.loaded; give them a throw-away one.
    globals.set("package", LuaValue.tableOf(new LuaValue[] {LuaValue.valueOf("loaded"), loaded}));
    globals.load(new BaseLib());
    globals.load(new TableLib());
    globals.load(new JseMathLib());
    globals.set("string", stringTable());
    new JseOsLib().call(LuaValue.valueOf("os"), globals);
    LuaValue os = globals.get("os");
    LuaTable restricted = new LuaTable();
    for (String name : OS_ALLOWED) {
      restricted.set(name, os.get(name));
    }
    globals.set("os", restricted);
    globals.set("package", LuaValue.NIL);
    Blocked.install(globals);
    Lua54Library.install(globals);
    globals.set("load", new TextOnlyLoad(globals));
    globals.set("print", new LogPrint(globals, tracker));
    BoundedBaseLib.install(globals);
    BoundedTableLib.install(globals);
    LuaC.install(globals);
    globals.load(tracker);
    return globals;
  }

  private static LuaTable stringTable() {
    Globals scratch = new Globals();
    scratch.set("package", LuaValue.tableOf(
        new LuaValue[] {LuaValue.valueOf("loaded"), new LuaTable()}));
    LuaTable string = (LuaTable) new StringLib().call(LuaValue.valueOf("string"), scratch);
    string.set("dump", Blocked.function("string.dump"));
    BoundedStringLib.install(string);
    return string;
  }

  /** {@code load(chunk [, chunkname [, mode [, env]]])} for source text only. */
  private static final class TextOnlyLoad extends VarArgFunction {
    private final Globals globals;

    TextOnlyLoad(Globals globals) {
      this.globals = globals;
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaValue chunk = args.arg1();
      if (!chunk.isstring()) {
        // BoundedBaseLib has read a reader function's pieces into a string already.
        return argerror(1, "a string or a function expected, got " + chunk.typename());
      }
      LuaString text = chunk.checkstring();
      LuaValue mode = args.arg(3);
      if (!mode.isnil() && mode.checkjstring().indexOf('t') < 0) {
        return varargsOf(NIL, BINARY_REFUSED);
      }
      if (text.length() > 0 && text.luaByte(0) == 0x1B) {
        return varargsOf(NIL, BINARY_REFUSED);
      }
      String name = args.arg(2).optjstring("load");
      try {
        byte[] source = java.util.Arrays.copyOfRange(text.m_bytes, text.m_offset,
            text.m_offset + text.m_length);
        LuaValue function = LuaCompiler.lua54(source, name,
            in -> globals.load(in, name, "t", globals));
        LuaValue env = args.arg(4);
        if (!env.isnil() && function instanceof LuaClosure closure
            && closure.upValues.length > 0) {
          // Compiled against the globals (so the call tracker still sees it), then re-pointed.
          closure.upValues[0].setValue(env);
        }
        return function;
      } catch (LuaError e) {
        return varargsOf(NIL, valueOf(e.getMessage()));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e); // from a byte array: cannot happen
      }
    }
  }

  /** {@code print(...)} goes to the log, prefixed with the calling script line. */
  private static final class LogPrint extends VarArgFunction {
    private final Globals globals;
    private final CallTracker tracker;

    LogPrint(Globals globals, CallTracker tracker) {
      this.globals = globals;
      this.tracker = tracker;
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaValue tostring = globals.get("tostring");
      StringBuilder line = new StringBuilder();
      for (int i = 1; i <= args.narg(); i++) {
        if (i > 1) {
          line.append('\t');
        }
        line.append(tostring.call(args.arg(i)).tojstring());
      }
      POLICY_LOG.info("{}: {}", tracker.currentLocation(
          dev.egresskit.core.policy.ScriptLocation.JAVA), line);
      return NONE;
    }
  }
}
