package dev.egresskit.lua;

import dev.egresskit.core.policy.SourceLookup;
import dev.egresskit.core.policy.kumo.KumoContext;
import dev.egresskit.core.policy.kumo.KumoLibrary;
import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.policy.support.KumoBuilders;
import dev.egresskit.core.spec.InvalidSpecException;
import dev.egresskit.core.policy.ScriptLocation;
import java.util.function.Function;
import java.util.function.Supplier;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.ThreeArgFunction;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code kumo} module of one interpreter: the table of functions scripts call, behind a
 * read-only userdata, and {@link #guard} turning Java failures into Lua errors at the script
 * line. {@link #functions()} is where every {@code kumo.*} function is installed.
 */
final class KumoModule {
  private final LuaInterpreter interpreter;

  private KumoModule(LuaInterpreter interpreter) {
    this.interpreter = interpreter;
  }

  /** The {@code kumo} value for {@code interpreter}'s scripts. */
  static LuaValue create(LuaInterpreter interpreter) {
    return readOnly(new KumoModule(interpreter).functions());
  }

  /**
   * The {@code egresskit} module ({@code require 'egresskit'}), for EgressKit's built-in helpers
   * rather than policies: {@code known_sources(names)} and {@code known_pools(names)} tell
   * {@code egresskit check} which names a data helper defines (a list, or several strings).
   */
  static LuaValue helperModule(LuaInterpreter interpreter) {
    KumoModule module = new KumoModule(interpreter);
    LuaTable t = new LuaTable();
    t.set("known_sources", module.names("egresskit.known_sources",
        name -> interpreter.usage().knownSource(name)));
    t.set("known_pools", module.names("egresskit.known_pools",
        name -> interpreter.usage().knownPool(name)));
    return readOnly(t);
  }

  // ---------------------------------------------------------------- the kumo functions

  private LuaTable functions() {
    LuaTable t = new LuaTable();
    t.set("on", new TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue event, LuaValue function) {
        return guard(() -> on(event, function));
      }
    });
    t.set("make_egress_source", oneArg("make_egress_source",
        table -> made(KumoBuilders.makeSource(LuaValues.fields("make_egress_source", table),
            here(), interpreter.files()))));
    t.set("make_egress_pool", oneArg("make_egress_pool",
        table -> made(KumoBuilders.makePool(LuaValues.fields("make_egress_pool", table),
            here()))));
    t.set("define_egress_source", oneArg("define_egress_source", this::define));
    t.set("invoke_get_egress_source", oneArg("invoke_get_egress_source",
        name -> LuaValues.toLua(lookup("invoke_get_egress_source")
            .invokeGetEgressSource(name.checkjstring()))));
    t.set("invoke_get_egress_pool", oneArg("invoke_get_egress_pool",
        name -> LuaValues.toLua(lookup("invoke_get_egress_pool")
            .invokeGetEgressPool(name.isnil() ? "unspecified" : name.checkjstring()))));
    // The rest of KumoMTA's kumo API (real and inert functions, kumo.json_load, ...,
    // kumo.validation_failed), implemented once in core for both languages.
    LuaKumoLibrary.install(t, KumoLibrary.standard(), KumoContext.of(this::here,
        interpreter.usage(), interpreter.files(), interpreter::deadlineNanos,
        () -> interpreter.handlers().runningHandler()), this::guard);
    return t;
  }

  private LuaValue on(LuaValue event, LuaValue function) {
    if (!event.isstring()) {
      throw new KumoApiException("kumo.on: the event name must be a string, got "
          + LuaValues.describe(event));
    }
    if (!function.isfunction()) {
      throw new KumoApiException("kumo.on: the handler for '" + event.tojstring()
          + "' must be a function, got " + LuaValues.describe(function));
    }
    ScriptLocation site = function instanceof LuaClosure closure
        ? new ScriptLocation(closure.p.source.tojstring(), Math.max(closure.p.linedefined, 0))
        : here();
    interpreter.handlers().register(event.tojstring(), (LuaFunction) function, site);
    return LuaValue.NIL;
  }

  private LuaValue define(LuaValue table) {
    interpreter.handlers().runningHandler()
        .filter(event -> event.equals("get_egress_source") || event.equals("get_egress_pool"))
        .ifPresent(event -> {
          throw new KumoApiException("kumo.define_egress_source may only be called while the"
              + " policy loads (at its top level, or in init), not from within the event handler"
              + " '" + event + "'");
        });
    interpreter.defined().define(KumoBuilders.makeSource(
        LuaValues.fields("define_egress_source", table), here(), interpreter.files()));
    return LuaValue.NIL;
  }

  private SourceLookup lookup(String function) {
    SourceLookup lookup = interpreter.lookup();
    if (lookup == null) {
      throw new KumoApiException("kumo." + function + " can only be called from within an event"
          + " handler, not while the policy loads");
    }
    return lookup;
  }

  private LuaFunction names(String function, java.util.function.Consumer<String> sink) {
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        return guard(() -> {
          for (int i = 1; i <= args.narg(); i++) {
            LuaValue arg = args.arg(i);
            if (arg.istable()) {
              for (int k = 1; k <= arg.length(); k++) {
                sink.accept(arg.get(k).checkjstring());
              }
            } else {
              sink.accept(arg.checkjstring());
            }
          }
          return NIL;
        });
      }

      @Override
      public String tojstring() {
        return "function: " + function;
      }
    };
  }

  // ---------------------------------------------------------------- plumbing

  /**
   * What scripts see as {@code kumo}: a userdata whose metatable reads from {@code functions}.
   * Interpreters are reused across calls, so a handler that could change the module (assign a
   * field, {@code rawset}, {@code setmetatable}) would change it for every later call; a
   * userdata refuses all three, and its metatable is hidden ({@code getmetatable} gives false).
   */
  static LuaValue readOnly(LuaTable functions) {
    LuaTable meta = new LuaTable();
    meta.set(LuaValue.INDEX, functions);
    meta.set(LuaValue.NEWINDEX, new ThreeArgFunction() {
      @Override
      public LuaValue call(LuaValue self, LuaValue key, LuaValue value) {
        throw new LuaError("the kumo module is read-only (cannot set kumo." + key.tojstring()
            + ")");
      }
    });
    meta.set(LuaValue.METATABLE, LuaValue.FALSE);
    return new LuaUserdata(functions, meta);
  }

  /** The script line calling a {@code kumo.*} function right now. */
  ScriptLocation here() {
    return interpreter.here();
  }

  private static LuaValue made(dev.egresskit.core.policy.Made<?> made) {
    return new LuaUserdata(made, MadeValues.METATABLE);
  }

  /** A one-argument {@code kumo.<name>} function whose Java failures become Lua errors. */
  LuaFunction oneArg(String name, Function<LuaValue, LuaValue> body) {
    return new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue arg) {
        return guard(() -> body.apply(arg));
      }

      @Override
      public String tojstring() {
        return "function: kumo." + name;
      }
    };
  }

  /** Turns Java failures of a {@code kumo.*} function into Lua errors a script can pcall. */
  LuaValue guard(Supplier<LuaValue> body) {
    try {
      return body.get();
    } catch (InvalidSpecException e) {
      // Its text already reads "make_egress_source at policy.lua:12: ...".
      throw new KumoError(e.getMessage(), e, e.location());
    } catch (LuaError e) {
      throw e;
    } catch (RuntimeException e) {
      // A KumoApiException, or e.g. a nested resolution that failed inside
      // kumo.invoke_get_egress_source. The line is added here rather than by LuaJ, which cannot
      // when the call is a tail call (`return kumo.json_load(...)`).
      ScriptLocation where = here();
      String text = e.getMessage() == null ? e.toString() : e.getMessage();
      throw new KumoError(where + ": " + text, e, where);
    }
  }
}
