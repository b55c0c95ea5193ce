package dev.egresskit.lua;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.ThreeArgFunction;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * What the sandbox leaves out, in place and named: calling {@code os.execute} raises
 * {@code os.execute is not available to policies}, and reading any field of a library that is
 * left out entirely ({@code io}, {@code debug}, {@code coroutine}, {@code luajava}) raises the
 * same for {@code io.open} and the like, rather than a puzzling {@code attempt to call a nil
 * value}. None of these reach Java, files or processes.
 */
final class Blocked {
  static final String[] OS = {"execute", "exit", "remove", "rename", "tmpname", "setlocale"};
  static final String[] BASE = {"dofile", "loadfile", "collectgarbage"};
  static final String[] LIBRARIES = {"io", "debug", "coroutine", "luajava"};

  private Blocked() {}

  /** Installs the named stand-ins into {@code globals} (its {@code os} table included). */
  static void install(Globals globals) {
    LuaValue os = globals.get("os");
    for (String name : OS) {
      os.set(name, function("os." + name));
    }
    for (String name : BASE) {
      globals.set(name, function(name));
    }
    for (String name : LIBRARIES) {
      globals.set(name, library(name));
    }
  }

  /** A function that refuses to run, naming itself. */
  static LuaValue function(String qualifiedName) {
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        throw new LuaError(qualifiedName + " is not available to policies");
      }

      @Override
      public String tojstring() {
        return "function: " + qualifiedName + " (not available)";
      }
    };
  }

  /** A library table whose every field refuses, naming it; nothing can be stored in it. */
  private static LuaValue library(String libraryName) {
    LuaTable meta = new LuaTable();
    meta.set(LuaValue.INDEX, new TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue self, LuaValue key) {
        throw new LuaError(libraryName + "." + key.tojstring() + " is not available to policies");
      }
    });
    meta.set(LuaValue.NEWINDEX, new ThreeArgFunction() {
      @Override
      public LuaValue call(LuaValue self, LuaValue key, LuaValue value) {
        throw new LuaError(libraryName + " is not available to policies");
      }
    });
    meta.set(LuaValue.METATABLE, LuaValue.FALSE);
    LuaTable library = new LuaTable();
    library.setmetatable(meta);
    return library;
  }
}
