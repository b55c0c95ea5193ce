package dev.egresskit.lua;

import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.kumo.KumoContext;
import dev.egresskit.core.policy.kumo.KumoLibrary;
import dev.egresskit.core.policy.kumo.KumoMethod;
import dev.egresskit.core.policy.kumo.PolicyModules;
import dev.egresskit.core.policy.kumo.ScriptFunction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.ThreeArgFunction;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Installs the {@link KumoLibrary} (the rest of KumoMTA's {@code kumo} API: real and inert
 * functions, sub-modules such as {@code kumo.string}) into an interpreter's {@code kumo} table,
 * and converts between Lua values and the library's language-neutral values. A name KumoMTA
 * does not have raises "kumo.x is not part of KumoMTA's kumo API" when it is read.
 */
final class LuaKumoLibrary {
  private final KumoLibrary library;
  private final KumoContext context;
  private final Function<Supplier<LuaValue>, LuaValue> guard;

  private LuaKumoLibrary(KumoLibrary library, KumoContext context,
      Function<Supplier<LuaValue>, LuaValue> guard) {
    this.library = library;
    this.context = context;
    this.guard = guard;
  }

  /**
   * Adds every library name to {@code kumo} (names already set, such as {@code on}, stay).
   *
   * @param guard turns Java failures of a call into Lua errors at the calling line
   */
  static void install(LuaTable kumo, KumoLibrary library, KumoContext context,
      Function<Supplier<LuaValue>, LuaValue> guard) {
    new LuaKumoLibrary(library, context, guard).installInto(kumo);
  }

  /**
   * The table {@code require '<name>'} returns for a policy module: its functions, read-only;
   * reading a name the module does not have is an error that lists the ones it has.
   */
  static LuaValue policyModule(String name, PolicyModules modules, KumoContext context,
      Function<Supplier<LuaValue>, LuaValue> guard) {
    LuaKumoLibrary converter = new LuaKumoLibrary(null, context, guard);
    LuaTable table = new LuaTable();
    for (String function : new java.util.TreeSet<>(modules.functions(name).keySet())) {
      table.rawset(function, moduleFunction(name, function, modules, converter));
    }
    String known = String.join(", ", new java.util.TreeSet<>(modules.functions(name).keySet()));
    String moduleName = name; // (LuaJ's LibFunction has a field `name` that would shadow it)
    LuaTable meta = new LuaTable();
    meta.set(LuaValue.INDEX, new TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue self, LuaValue key) {
        throw new LuaError(moduleName + "." + key.tojstring() + " does not exist (the "
            + moduleName + " module has: " + known + ")");
      }
    });
    LuaValue module = readOnly(name, table);
    table.setmetatable(meta); // after readOnly: its "not part of kumo" text does not fit here
    return module;
  }

  /** One function of a policy module. */
  private static LuaFunction moduleFunction(String module, String function,
      PolicyModules modules, LuaKumoLibrary converter) {
    // (LuaJ's LibFunction has a field `name`, which would shadow a captured `name`.)
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        return converter.guard.apply(() -> converter.toLua(
            modules.call(module, function, converter.toNeutral(args, 1), converter.context)));
      }

      @Override
      public String tojstring() {
        return "function: " + module + "." + function;
      }
    };
  }

  private void installInto(LuaTable kumo) {
    Map<String, LuaTable> modules = new HashMap<>();
    modules.put("", kumo);
    for (String module : library.modules()) {
      LuaTable table = new LuaTable();
      modules.put(module, table);
      int dot = module.lastIndexOf('.');
      LuaTable parent = modules.get(dot < 0 ? "" : module.substring(0, dot));
      parent.set(module.substring(dot + 1), readOnly("kumo." + module, table));
    }
    for (KumoLibrary.Entry entry : library.entries().values()) {
      int dot = entry.name().lastIndexOf('.');
      LuaTable table = modules.get(dot < 0 ? "" : entry.name().substring(0, dot));
      String key = entry.name().substring(dot + 1);
      if (!table.rawget(key).isnil()) {
        continue;
      }
      LuaValue value = entry.kind() == KumoLibrary.Kind.VALUE
          ? toLua(entry.function().apply(null, context))
          : function(entry.name());
      table.rawset(key, value);
    }
    refuseUnknown("kumo", kumo);
  }

  private LuaFunction function(String qualified) {
    // (LuaJ's LibFunction has a field `name`, which would shadow a captured `name`.)
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        return guard.apply(() -> toLua(library.call(qualified, toNeutral(args, 1), context)));
      }

      @Override
      public String tojstring() {
        return "function: kumo." + qualified;
      }
    };
  }

  /** A read-only view of a sub-module (interpreters are reused: nothing may change it). */
  private static LuaValue readOnly(String moduleName, LuaTable table) {
    refuseUnknown(moduleName, table);
    LuaTable meta = new LuaTable();
    meta.set(LuaValue.INDEX, table);
    meta.set(LuaValue.NEWINDEX, new ThreeArgFunction() {
      @Override
      public LuaValue call(LuaValue self, LuaValue key, LuaValue value) {
        throw new LuaError(moduleName + " is read-only (cannot set " + moduleName + "."
            + key.tojstring() + ")");
      }
    });
    meta.set(LuaValue.METATABLE, LuaValue.FALSE);
    return new LuaUserdata(table, meta);
  }

  private static void refuseUnknown(String moduleName, LuaTable table) {
    LuaTable meta = new LuaTable();
    meta.set(LuaValue.INDEX, new TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue self, LuaValue key) {
        throw new LuaError(KumoLibrary.unknownName(moduleName + "." + key.tojstring()));
      }
    });
    table.setmetatable(meta);
  }

  // ---------------------------------------------------------------- values

  /** Lua arguments from position {@code first} as neutral values (nil is null). */
  List<Object> toNeutral(Varargs args, int first) {
    List<Object> out = new ArrayList<>();
    for (int i = first; i <= args.narg(); i++) {
      out.add(toNeutral(args.arg(i)));
    }
    return out;
  }

  private Object toNeutral(LuaValue value) {
    if (value.isfunction()) {
      LuaValue function = value;
      return (ScriptFunction) args -> {
        LuaValue[] luaArgs = new LuaValue[args.size()];
        for (int i = 0; i < luaArgs.length; i++) {
          luaArgs[i] = toLua(args.get(i));
        }
        Varargs result = function.invoke(LuaValue.varargsOf(luaArgs));
        if (result.narg() == 0) {
          return null;
        }
        if (result.narg() == 1) {
          return toNeutral(result.arg1());
        }
        return toNeutral(result, 1);
      };
    }
    if (value.isuserdata(Made.class)) {
      return value.touserdata(Made.class);
    }
    return LuaValues.toJava("kumo", value, "", 0);
  }

  /** A neutral value as Lua sees it. */
  LuaValue toLua(Object value) {
    if (value instanceof ScriptFunction function) {
      return callable(function, null);
    }
    if (value instanceof Made<?> made) {
      return new LuaUserdata(made, MadeValues.METATABLE);
    }
    if (value instanceof Map<?, ?> map) {
      LuaTable table = new LuaTable();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (e.getValue() == null) {
          continue;
        }
        if (KumoMethod.CLOSE.equals(e.getKey()) && e.getValue() instanceof KumoMethod close) {
          // What <close> calls: a metamethod, as KumoMTA's objects have it.
          LuaTable meta = new LuaTable();
          meta.set(LibraryCloser.EVENT, new LibraryCloser(callable(close, table)));
          table.setmetatable(meta);
          continue;
        }
        LuaValue key = e.getKey() instanceof Long l ? LuaValues.toLua(l)
            : LuaValue.valueOf(String.valueOf(e.getKey()));
        table.set(key, e.getValue() instanceof KumoMethod method ? callable(method, table)
            : toLua(e.getValue()));
      }
      return table;
    }
    if (value instanceof List<?> list) {
      LuaTable table = new LuaTable(list.size(), 0);
      int i = 1;
      for (Object item : list) {
        table.set(i++, toLua(item));
      }
      return table;
    }
    return LuaValues.toLua(value);
  }

  /** A library function handed to the script; a method drops its object ({@code re:find}). */
  private LuaFunction callable(ScriptFunction function, LuaTable owner) {
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        int first = owner != null && args.arg1() == owner ? 2 : 1;
        return guard.apply(() -> toLua(function.call(toNeutral(args, first))));
      }
    };
  }
}
