package dev.egresskit.lua;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.DefinedSources;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.policy.kumo.KumoContext;
import dev.egresskit.core.policy.kumo.KumoLibrary;
import dev.egresskit.core.policy.SourceLookup;
import dev.egresskit.core.policy.support.HandlerRegistry;
import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.policy.support.KumoBuilders;
import dev.egresskit.core.policy.support.PolicyFolder;
import dev.egresskit.core.policy.support.PooledPolicyEngine;
import dev.egresskit.core.spec.InvalidSpecException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.TwoArgFunction;

/**
 * One independently loaded Lua interpreter: sandboxed globals, the {@code kumo} module, the
 * handlers and definitions the policy's top level registered. Used by one thread at a time.
 */
final class LuaInterpreter implements PooledPolicyEngine.Interpreter {
  /** Marks a module whose chunk is running, to detect {@code require} loops. */
  private static final LuaValue LOADING = LuaValue.userdataOf(new Object());

  private final String scriptName;
  private final PolicyFolder folder;
  private final Duration deadline;
  private final CallTracker tracker = new CallTracker();
  private final Globals globals;
  private final HandlerRegistry<LuaFunction> handlers = new HandlerRegistry<>();
  private final DefinedSources defined = new DefinedSources();
  private final Map<String, LuaValue> modules = new HashMap<>();
  private final PolicyUsage usage;
  private final LuaValue kumo;
  private SourceLookup lookup;
  /** Set when a call was stopped midway: this interpreter's globals may be half updated. */
  private boolean broken;

  private LuaInterpreter(String scriptName, PolicyFolder folder, Duration deadline,
      PolicyUsage usage) {
    this.scriptName = scriptName;
    this.folder = folder;
    this.deadline = deadline;
    this.usage = usage;
    this.globals = Sandbox.newGlobals(tracker);
    // Runtime errors read "policy.lua:3: text" as in standard Lua (LuaJ leaves out the colon).
    globals.running.errorfunc = new ErrorMessage();
    LuaTable functions = kumoModule();
    LuaKumoLibrary.install(functions, KumoLibrary.standard(),
        KumoContext.of(this::here, usage, folder, tracker::deadlineNanos), this::guard);
    this.kumo = readOnly(functions);
    globals.set("kumo", kumo);
    modules.put("kumo", kumo);
    globals.set("require", new Require());
  }

  /**
   * Compiles a policy once; every interpreter runs the same prototype.
   *
   * @throws PolicyException if the script does not compile
   */
  static Prototype compile(Path script, String scriptName) {
    byte[] source;
    try {
      source = Files.readAllBytes(script);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read policy " + script, e);
    }
    try {
      Globals compiler = new Globals();
      org.luaj.vm2.compiler.LuaC.install(compiler);
      return compiler.compilePrototype(new ByteArrayInputStream(source), scriptName);
    } catch (LuaError e) {
      String message = compileMessage(e, scriptName);
      java.util.regex.Matcher line = java.util.regex.Pattern
          .compile("^" + java.util.regex.Pattern.quote(scriptName) + ":(\\d+):").matcher(message);
      int at = line.find() ? Integer.parseInt(line.group(1)) : 0;
      throw new PolicyException(message, new ScriptLocation(scriptName, at), e);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read policy " + script, e);
    }
  }

  /**
   * Creates an interpreter and runs the policy's top level in it.
   *
   * @throws PolicyException if the top level fails or runs past the deadline
   */
  static LuaInterpreter load(Prototype policy, String scriptName, PolicyFolder folder,
      Duration deadline, PolicyUsage usage) {
    LuaInterpreter interpreter = new LuaInterpreter(scriptName, folder, deadline, usage);
    LuaClosure main = new LuaClosure(policy, interpreter.globals);
    interpreter.run("loading " + scriptName, "the top level of " + scriptName,
        () -> main.call());
    return interpreter;
  }

  /** LuaJ names a chunk {@code [string "policy.lua"]} in compile errors; say {@code policy.lua}. */
  private static String compileMessage(LuaError e, String chunkName) {
    return String.valueOf(e.getMessage()).replace("[string \"" + chunkName + "\"]", chunkName);
  }

  @Override
  public boolean broken() {
    return broken;
  }

  @Override
  public HandlerRegistry<LuaFunction> handlers() {
    return handlers;
  }

  /** The sources the top level defined, by name (latest definition), in first-definition order. */
  @Override
  public Map<String, Made<EgressSource>> definedSources() {
    Map<String, Made<EgressSource>> byName = new java.util.LinkedHashMap<>();
    for (EgressSource source : defined.all()) {
      defined.definition(source.name()).ifPresent(made -> byName.put(source.name(), made));
    }
    return java.util.Collections.unmodifiableMap(byName);
  }

  /**
   * Calls the handler for {@code hook}.
   *
   * @throws PolicyException as {@link dev.egresskit.core.policy.PolicyEngine#invoke} documents
   * @throws DeadlineExceeded if the handler ran past its deadline (discard this interpreter)
   */
  @Override
  public <T> Made<T> invoke(Hook<T> hook, String argument, SourceLookup lookup) {
    HandlerRegistry.Handler<LuaFunction> handler = handlers.handler(hook).orElseThrow(
        () -> new PolicyException("Event " + hook.eventName() + " has not been registered"
            + " (register it with kumo.on('" + hook.eventName() + "', function(name) ... end)"
            + " in " + scriptName + ")", new ScriptLocation(scriptName, 0)));
    SourceLookup previous = this.lookup;
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    HandlerRegistry.RunningScope running = handlers.enter(hook);
    try {
      LuaValue result = run(hook.eventName() + " handler for '" + argument + "'",
          hook.eventName() + " handler for '" + argument + "'",
          () -> handler.function().invoke(LuaValue.valueOf(argument)).arg1());
      Object javaResult = result.isnil() ? null
          : result.isuserdata(Made.class) ? result.touserdata(Made.class) : result;
      return KumoBuilders.acceptResult(hook, argument, javaResult, result.typename(),
          handler.location());
    } finally {
      running.close();
      this.lookup = previous;
    }
  }

  /** Runs Lua code under the deadline (unless an outer call already set one). */
  private LuaValue run(String what, String deadlineWhat, java.util.function.Supplier<LuaValue> call) {
    boolean outermost = !tracker.armed();
    if (outermost) {
      tracker.arm(System.nanoTime() + deadline.toNanos(), deadlineWhat + " did not finish within "
          + Durations.format(deadline) + " (the policy handler deadline)");
    }
    int errorsBefore = tracker.errorsRecorded();
    try {
      return call.get();
    } catch (LuaError e) {
      Throwable cause = e instanceof KumoError k && k.getCause() != null ? k.getCause() : e;
      String message = e.getMessage();
      ScriptLocation where;
      if (e instanceof KumoError k) {
        where = k.where();
      } else if (tracker.errorsRecorded() == errorsBefore) {
        // Raised by a library function in tail position (`return error(...)`): no Lua frame
        // caught it, so LuaJ added no position.
        where = tracker.currentLocation(new ScriptLocation(scriptName, 0));
        message = where + ": " + message;
      } else {
        where = tracker.lastError(new ScriptLocation(scriptName, 0));
      }
      if (tracker.expired()) {
        broken = true;
        throw new DeadlineExceeded(where + ": " + deadlineWhat + " did not finish within "
            + Durations.format(deadline) + " (the policy handler deadline) and was stopped", where);
      }
      throw new PolicyException(message, where, cause);
    } catch (OutOfMemoryError e) {
      // The last line of defence: growth spread over many instructions (a table of strings kept
      // alive) filled the heap before the deadline. The allocation that failed is this call's, so
      // dropping the interpreter frees what it held; the caller gets an error, the JVM lives on.
      broken = true;
      ScriptLocation where = tracker.abandonedAt(new ScriptLocation(scriptName, 0));
      throw new DeadlineExceeded(where + ": " + deadlineWhat + " ran out of memory ("
          + e.getMessage() + ") and was stopped", where);
    } catch (StackOverflowError e) {
      broken = true;
      throw new DeadlineExceeded(scriptName + ": " + what + " overflowed the stack (endless"
          + " recursion?)", new ScriptLocation(scriptName, 0));
    } finally {
      if (outermost) {
        tracker.disarm();
        tracker.reset();
      }
    }
  }

  /** A handler or the top level ran past its deadline; the interpreter must be discarded. */
  static final class DeadlineExceeded extends PolicyException {
    private static final long serialVersionUID = 1L;

    DeadlineExceeded(String message, ScriptLocation location) {
      super(message, location);
    }
  }

  /**
   * An error raised by a {@code kumo.*} function whose text already names the script line (for
   * example an {@link InvalidSpecException}); LuaJ does not prefix it again.
   */
  static final class KumoError extends LuaError {
    private static final long serialVersionUID = 1L;
    private final transient Throwable origin;
    private final transient ScriptLocation where;

    KumoError(String message, Throwable origin, ScriptLocation where) {
      super(message);
      this.traceback = message;
      this.origin = origin;
      this.where = where;
    }

    @Override
    public Throwable getCause() {
      return origin;
    }

    ScriptLocation where() {
      return where;
    }
  }

  // ---------------------------------------------------------------- the kumo module

  /**
   * What scripts see as {@code kumo}: a userdata whose metatable reads from {@code functions}.
   * Interpreters are reused across calls, so a handler that could change the module (assign a
   * field, {@code rawset}, {@code setmetatable}) would change it for every later call; a
   * userdata refuses all three, and its metatable is hidden ({@code getmetatable} gives false).
   */
  private static LuaValue readOnly(LuaTable functions) {
    LuaTable meta = new LuaTable();
    meta.set(LuaValue.INDEX, functions);
    meta.set(LuaValue.NEWINDEX, new org.luaj.vm2.lib.ThreeArgFunction() {
      @Override
      public LuaValue call(LuaValue self, LuaValue key, LuaValue value) {
        throw new LuaError("the kumo module is read-only (cannot set kumo." + key.tojstring()
            + ")");
      }
    });
    meta.set(LuaValue.METATABLE, LuaValue.FALSE);
    return new LuaUserdata(functions, meta);
  }

  private LuaTable kumoModule() {
    LuaTable t = new LuaTable();
    t.set("on", new TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue event, LuaValue function) {
        return guard(() -> on(event, function));
      }
    });
    t.set("make_egress_source", oneArg("make_egress_source",
        table -> made(KumoBuilders.makeSource(LuaValues.fields("make_egress_source", table),
            here()))));
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
    return t;
  }

  private LuaValue on(LuaValue event, LuaValue function) {
    if (!event.isstring()) {
      throw new KumoApiException("kumo.on: the event name must be a string (allowed: "
          + HandlerRegistry.knownEvents() + "), got " + LuaValues.describe(event));
    }
    if (!function.isfunction()) {
      throw new KumoApiException("kumo.on: the handler for '" + event.tojstring()
          + "' must be a function, got " + LuaValues.describe(function));
    }
    ScriptLocation site = function instanceof LuaClosure closure
        ? new ScriptLocation(closure.p.source.tojstring(), Math.max(closure.p.linedefined, 0))
        : here();
    handlers.register(event.tojstring(), (LuaFunction) function, site);
    return LuaValue.NIL;
  }

  private LuaValue define(LuaValue table) {
    handlers.runningHandler().ifPresent(hook -> {
      throw new KumoApiException("kumo.define_egress_source may only be called while the policy"
          + " loads (at its top level), not from within the event handler '" + hook.eventName()
          + "'");
    });
    defined.define(KumoBuilders.makeSource(LuaValues.fields("define_egress_source", table),
        here()));
    return LuaValue.NIL;
  }

  private SourceLookup lookup(String function) {
    if (lookup == null) {
      throw new KumoApiException("kumo." + function + " can only be called from within an event"
          + " handler, not while the policy loads");
    }
    return lookup;
  }

  private ScriptLocation here() {
    return tracker.currentLocation(new ScriptLocation(scriptName, 0));
  }

  private static LuaValue made(Made<?> made) {
    return new LuaUserdata(made, MadeValues.METATABLE);
  }

  private LuaFunction oneArg(String name, Function<LuaValue, LuaValue> body) {
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
  private LuaValue guard(java.util.function.Supplier<LuaValue> body) {
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

  // ---------------------------------------------------------------- require

  /** {@code require(name)}: {@code kumo}, or a Lua module inside the policy folder. */
  private final class Require extends OneArgFunction {
    @Override
    public LuaValue call(LuaValue nameValue) {
      String name = nameValue.checkjstring();
      LuaValue known = modules.get(name);
      if (known == LOADING) {
        throw new LuaError("require: module '" + name + "' requires itself (a loop of require"
            + " calls)");
      }
      if (known != null) {
        return known;
      }
      java.util.Optional<String> builtIn = BuiltInModules.source(name);
      Path file = null;
      if (builtIn.isEmpty()) {
        try {
          file = folder.resolveModule(name, "lua");
        } catch (KumoApiException e) {
          throw new LuaError(e.getMessage());
        }
      }
      String chunkName = builtIn.isPresent() ? BuiltInModules.chunkName(name)
          : PolicyFolder.moduleFile(name, "lua");
      modules.put(name, LOADING);
      boolean done = false;
      try {
        LuaValue chunk;
        try {
          byte[] text = builtIn.isPresent()
              ? builtIn.get().getBytes(java.nio.charset.StandardCharsets.UTF_8)
              : Files.readAllBytes(file);
          chunk = globals.load(new ByteArrayInputStream(text), chunkName, "t", globals);
        } catch (LuaError e) {
          throw new LuaError("require: " + compileMessage(e, chunkName));
        }
        LuaValue result = chunk.call(nameValue);
        LuaValue value = result.isnil() ? LuaValue.TRUE : result;
        modules.put(name, value);
        done = true;
        return value;
      } catch (IOException e) {
        throw new LuaError("require: module '" + name + "' cannot be read: " + e);
      } finally {
        if (!done) {
          modules.remove(name);
        }
      }
    }
  }

  /** The main thread's error function: formats runtime errors and records where they happened. */
  private final class ErrorMessage extends OneArgFunction {
    @Override
    public LuaValue call(LuaValue message) {
      String text = message.tojstring();
      String fileline = tracker.currentFileline();
      tracker.recordError();
      if (fileline != null && text.startsWith(fileline + " ")) {
        return LuaValue.valueOf(fileline + ": " + text.substring(fileline.length() + 1));
      }
      return message;
    }
  }
}
