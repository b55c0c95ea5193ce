package dev.egresskit.lua;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.DefinedSources;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.policy.kumo.KumoContext;
import dev.egresskit.core.policy.kumo.KumoLibrary;
import dev.egresskit.core.policy.kumo.PolicyModules;
import dev.egresskit.core.policy.SourceLookup;
import dev.egresskit.core.policy.support.HandlerRegistry;
import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.policy.support.KumoBuilders;
import dev.egresskit.core.policy.support.PolicyFiles;
import dev.egresskit.core.policy.support.PooledPolicyEngine;
import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.policy.DefinedSources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;

/**
 * One independently loaded Lua interpreter: sandboxed globals ({@link Sandbox}), the
 * {@code kumo} module ({@link KumoModule}), {@code package}/{@code require}
 * ({@link LuaPackage}), and the handlers and definitions the policy's top level registered. It
 * runs every call under the handler deadline and turns Lua errors into {@link PolicyException}s
 * at the script line. Used by one thread at a time.
 */
final class LuaInterpreter implements PooledPolicyEngine.Interpreter {
  private final String scriptName;
  private final PolicyFiles files;
  private final Duration deadline;
  private final PolicyUsage usage;
  private final CallTracker tracker = new CallTracker();
  private final Globals globals;
  private final HandlerRegistry<LuaFunction> handlers = new HandlerRegistry<>();
  private final DefinedSources defined = new DefinedSources();
  private SourceLookup lookup;
  /** The outermost call running now, for the deadline message (see {@link #run}). */
  private String running;
  private String runningArgument;
  private String runningDescribed;
  /** One supplier for every call, so arming the deadline allocates nothing. */
  private final Supplier<String> deadlineMessage = this::deadlineText;
  /** Set when a call was stopped midway: this interpreter's globals may be half updated. */
  private boolean broken;

  private LuaInterpreter(String scriptName, PolicyFiles files, PolicySettings settings,
      PolicyUsage usage, PolicyModules modules) {
    this.scriptName = scriptName;
    this.files = files;
    this.deadline = settings.handlerDeadline();
    this.usage = usage;
    this.globals = Sandbox.newGlobals(tracker);
    // Runtime errors read "policy.lua:3: text" as in standard Lua (LuaJ leaves out the colon).
    globals.running.errorfunc = new ErrorMessage();
    LuaValue kumo = KumoModule.create(this);
    globals.set("kumo", kumo);
    LuaPackage lib = LuaPackage.install(globals, files, kumo);
    lib.preloaded("egresskit", KumoModule.helperModule(this));
    // KumoProxy's `require 'proxy'`: the same functions as kumo.proxy.
    lib.preloaded("proxy", kumo.get("proxy"));
    // KumoMTA's top-level modules (require 'redis'), from the class path's providers.
    for (String name : modules.names()) {
      lib.preloaded(name, KumoModule.policyModule(this, name, modules));
    }
    if (settings.validating()) {
      globals.set("_VALIDATING_CONFIG", LuaValue.TRUE);
    }
  }

  /**
   * Creates an interpreter and runs the policy's top level in it.
   *
   * @throws PolicyException if the top level fails or runs past the deadline
   */
  static LuaInterpreter load(Prototype policy, String scriptName, PolicyFiles files,
      PolicySettings settings, PolicyUsage usage) {
    return load(policy, scriptName, files, settings, usage, PolicyModules.none());
  }

  /**
   * Creates an interpreter whose {@code package.loaded} holds {@code modules}, and runs the
   * policy's top level in it.
   *
   * @throws PolicyException if the top level fails or runs past the deadline
   */
  static LuaInterpreter load(Prototype policy, String scriptName, PolicyFiles files,
      PolicySettings settings, PolicyUsage usage, PolicyModules modules) {
    LuaInterpreter interpreter = new LuaInterpreter(scriptName, files, settings, usage, modules);
    LuaClosure main = new LuaClosure(policy, interpreter.globals);
    interpreter.run(null, null, "the top level of " + scriptName, main::call);
    return interpreter;
  }

  @Override
  public boolean broken() {
    return broken;
  }

  @Override
  public HandlerRegistry<LuaFunction> handlers() {
    return handlers;
  }

  /** The running call's deadline ({@link System#nanoTime()}), for library functions that loop. */
  long deadlineNanos() {
    return tracker.deadlineNanos();
  }

  @Override
  public PolicyUsage usage() {
    return usage;
  }

  /** The sources the policy defined, by name (latest definition), in first-definition order. */
  @Override
  public Map<String, Made<EgressSource>> definedSources() {
    return defined.definitions();
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
    try (HandlerRegistry.RunningScope running = handlers.enter(hook)) {
      LuaValue result = run(hook.eventName(), argument, null,
          () -> handler.function().invoke(LuaValue.valueOf(argument)).arg1());
      Object javaResult = result.isnil() ? null
          : result.isuserdata(Made.class) ? result.touserdata(Made.class) : result;
      return KumoBuilders.acceptResult(hook, argument, javaResult, result.typename(),
          handler.location());
    } finally {
      this.lookup = previous;
    }
  }

  /** Calls {@code event}'s handlers without arguments until one returns a value. */
  @Override
  public void fire(String event, Consumer<PolicyException> failures) {
    for (HandlerRegistry.Handler<LuaFunction> handler : handlers.handlers(event)) {
      Varargs[] returned = {LuaValue.NONE};
      try (HandlerRegistry.RunningScope running = handlers.enter(event)) {
        run(null, null, "the " + event + " handler", () -> {
          returned[0] = handler.function().invoke(LuaValue.NONE);
          return LuaValue.NIL;
        });
      } catch (PolicyException e) {
        failures.accept(e);
      }
      if (returned[0].narg() > 0) {
        return; // KumoMTA: the first handler that returns anything wins
      }
    }
  }

  /**
   * Calls the one handler of {@code event} with language-neutral arguments.
   *
   * @throws PolicyException if there is no handler, it fails or runs past the deadline
   */
  @Override
  public Object call(String event, List<Object> arguments) {
    List<HandlerRegistry.Handler<LuaFunction>> registered = handlers.handlers(event);
    if (registered.isEmpty()) {
      throw new PolicyException("Event " + event + " has not been registered (register it with"
          + " kumo.on('" + event + "', function(...) ... end) in " + scriptName + ")",
          new ScriptLocation(scriptName, 0));
    }
    HandlerRegistry.Handler<LuaFunction> handler = registered.get(0);
    LuaValue[] args = new LuaValue[arguments.size()];
    for (int i = 0; i < args.length; i++) {
      args[i] = LuaValues.toLua(arguments.get(i));
    }
    try (HandlerRegistry.RunningScope running = handlers.enter(event)) {
      LuaValue result = run(null, null, "the " + event + " handler",
          () -> handler.function().invoke(LuaValue.varargsOf(args)).arg1());
      try {
        return result.isnil() ? null : LuaValues.toJava(event, result, "", 0);
      } catch (KumoApiException e) {
        throw new PolicyException(handler.location() + ": the " + event + " handler returned "
            + e.getMessage(), handler.location(), e);
      }
    }
  }

  PolicyFiles files() {
    return files;
  }

  DefinedSources defined() {
    return defined;
  }

  /** The lookup of the handler running now, or null while the policy loads. */
  SourceLookup lookup() {
    return lookup;
  }

  /** The script line running now. */
  ScriptLocation here() {
    return tracker.currentLocation(new ScriptLocation(scriptName, 0));
  }

  /**
   * Runs Lua code under the deadline (unless an outer call already set one). What runs is named
   * in messages either as {@code "<event> handler for '<argument>'"} (a handler call; the text
   * is built only if a message needs it, not on every call) or as {@code described}.
   */
  private LuaValue run(String event, String argument, String described,
      Supplier<LuaValue> call) {
    boolean outermost = !tracker.armed();
    if (outermost) {
      running = event;
      runningArgument = argument;
      runningDescribed = described;
      tracker.arm(System.nanoTime() + deadline.toNanos(), deadlineMessage);
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
        throw new DeadlineExceeded(where + ": " + describe(event, argument, described)
            + " did not finish within "
            + Durations.format(deadline) + " (the policy handler deadline) and was stopped", where);
      }
      throw new PolicyException(message, where, cause);
    } catch (OutOfMemoryError e) {
      // The last line of defence: growth spread over many instructions (a table of strings kept
      // alive) filled the heap before the deadline. The allocation that failed is this call's, so
      // dropping the interpreter frees what it held; the caller gets an error, the JVM lives on.
      broken = true;
      ScriptLocation where = tracker.abandonedAt(new ScriptLocation(scriptName, 0));
      throw new DeadlineExceeded(where + ": " + describe(event, argument, described)
          + " ran out of memory ("
          + e.getMessage() + ") and was stopped", where);
    } catch (StackOverflowError e) {
      broken = true;
      throw new DeadlineExceeded(scriptName + ": " + describe(event, argument, described)
          + " overflowed the stack (endless"
          + " recursion?)", new ScriptLocation(scriptName, 0));
    } finally {
      if (outermost) {
        tracker.disarm();
        tracker.reset();
      }
    }
  }

  /** What runs, as messages name it. */
  private static String describe(String event, String argument, String described) {
    return event != null ? event + " handler for '" + argument + "'" : described;
  }

  /** The deadline error's text for the outermost call running now. */
  private String deadlineText() {
    return describe(running, runningArgument, runningDescribed) + " did not finish within "
        + Durations.format(deadline) + " (the policy handler deadline)";
  }

  /** A handler or the top level ran past its deadline; the interpreter must be discarded. */
  static final class DeadlineExceeded extends PolicyException {
    private static final long serialVersionUID = 1L;

    DeadlineExceeded(String message, ScriptLocation location) {
      super(message, location);
    }
  }

  /**
   * The main thread's error function: words runtime errors as Lua 5.4 does
   * ({@link LuaErrorText}) and records where they happened.
   */
  private final class ErrorMessage extends OneArgFunction {
    @Override
    public LuaValue call(LuaValue message) {
      String text = message.tojstring();
      String fileline = tracker.currentFileline();
      CallTracker.Frame frame = tracker.innermost();
      tracker.recordError();
      if (fileline != null && text.startsWith(fileline + " ")) {
        String rest = LuaErrorText.reword(text.substring(fileline.length() + 1), frame);
        return LuaValue.valueOf(fileline + ": " + rest);
      }
      return message;
    }
  }
}
