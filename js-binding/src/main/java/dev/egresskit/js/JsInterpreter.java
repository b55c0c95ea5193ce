package dev.egresskit.js;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.DefinedSources;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.Made;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.policy.SourceLookup;
import dev.egresskit.core.policy.kumo.KumoContext;
import dev.egresskit.core.policy.kumo.KumoLibrary;
import dev.egresskit.core.policy.kumo.PolicyModules;
import dev.egresskit.core.policy.support.HandlerRegistry;
import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.policy.support.KumoBuilders;
import dev.egresskit.core.policy.support.PolicyFiles;
import dev.egresskit.core.policy.support.PooledPolicyEngine;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import javax.script.CompiledScript;
import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;

/**
 * One independently loaded copy of a JavaScript policy: a sandboxed global of the policy's
 * shared {@link JsRuntime}, the {@code kumo} object, and the handlers and definitions the
 * policy's top level registered. Used by one thread at a time (the interpreter pool guarantees
 * it).
 *
 * <p>Every top-level call (the top level itself, a handler) runs on the calling thread under the
 * handler deadline: the policy's compiled code carries {@link DeadlineChecks}, which throw once
 * the deadline has passed. Such a call fails with {@code script:line: <what> did not finish
 * within <deadline> (the policy handler deadline) and was stopped}, and the interpreter reports
 * itself {@linkplain #broken() broken} (its state may be half updated).
 */
final class JsInterpreter implements KumoApi, PooledPolicyEngine.Interpreter {
  private final String scriptName;
  private final PolicyFiles files;
  private final PolicyUsage usage;
  private final KumoBridge bridge;
  private final JsSandbox sandbox;
  private final HandlerRegistry<ScriptObjectMirror> handlers = new HandlerRegistry<>();
  private final DefinedSources defined = new DefinedSources();
  private final ScriptLocation unknownLine;
  private final Deadline deadline = new Deadline();
  private final Duration deadlineLimit;
  private SourceLookup lookup;
  private int running;
  private boolean broken;

  private JsInterpreter(JsRuntime runtime, String scriptName, PolicyFiles files,
      Duration deadlineLimit, PolicyUsage usage, PolicyModules modules) {
    this.scriptName = scriptName;
    this.files = files;
    this.usage = usage;
    this.deadlineLimit = deadlineLimit;
    this.unknownLine = new ScriptLocation(scriptName, 0);
    this.bridge = new KumoBridge(this, scriptName);
    JsKumoLibrary.addTo(bridge, KumoLibrary.standard(), modules,
        KumoContext.of(bridge::callerLocation, usage, files, deadline::deadlineNanos,
            handlers::runningHandler));
    this.sandbox = JsSandbox.create(runtime, bridge, deadline);
  }

  /**
   * Creates a global in {@code runtime} and runs the policy's top level in it, under the
   * deadline.
   *
   * @param policy     the policy, compiled by {@code runtime} with its deadline checks
   * @param scriptName the policy's file name, as errors show it
   * @param validating whether to set {@code _VALIDATING_CONFIG} as {@code kumod --validate} does
   * @throws PolicyException if the top level fails or runs past the deadline
   */
  static JsInterpreter load(JsRuntime runtime, CompiledScript policy, String scriptName,
      PolicyFiles files, Duration deadline, boolean validating, PolicyUsage usage) {
    return load(runtime, policy, scriptName, files, deadline, validating, usage,
        PolicyModules.none());
  }

  /**
   * Like {@link #load(JsRuntime, CompiledScript, String, PolicyFiles, Duration, boolean,
   * PolicyUsage)}, with {@code modules} as members of {@code kumo} ({@code kumo.redis}).
   */
  static JsInterpreter load(JsRuntime runtime, CompiledScript policy, String scriptName,
      PolicyFiles files, Duration deadline, boolean validating, PolicyUsage usage,
      PolicyModules modules) {
    JsInterpreter interpreter =
        new JsInterpreter(runtime, scriptName, files, deadline, usage, modules);
    if (validating) {
      interpreter.run("validation mode", () -> interpreter.sandbox.eval("<validating>",
          "var _VALIDATING_CONFIG = true;"));
    }
    interpreter.run("the top level of " + scriptName, () -> interpreter.sandbox.run(policy));
    return interpreter;
  }

  @Override
  public PolicyUsage usage() {
    return usage;
  }

  /** Calls {@code event}'s handlers without arguments until one returns a value. */
  @Override
  public void fire(String event, java.util.function.Consumer<PolicyException> failures) {
    for (HandlerRegistry.Handler<ScriptObjectMirror> handler : handlers.handlers(event)) {
      Object returned = null;
      try (HandlerRegistry.RunningScope scope = handlers.enter(event)) {
        returned = run("the " + event + " handler", () -> handler.function().call(null));
      } catch (PolicyException e) {
        failures.accept(e);
      }
      if (returned != null && !JsValues.isAbsent(returned)) {
        return; // KumoMTA: the first handler that returns anything wins
      }
    }
  }

  /**
   * Calls the one handler of {@code event} with language-neutral arguments (maps and lists
   * become plain objects and arrays).
   *
   * @throws PolicyException if there is no handler, it fails or runs past the deadline
   */
  @Override
  public Object call(String event, java.util.List<Object> arguments) {
    java.util.List<HandlerRegistry.Handler<ScriptObjectMirror>> registered =
        handlers.handlers(event);
    if (registered.isEmpty()) {
      throw new PolicyException("Event " + event + " has not been registered (register it with"
          + " kumo.on('" + event + "', function (...) { ... }) in " + scriptName + ")",
          unknownLine);
    }
    HandlerRegistry.Handler<ScriptObjectMirror> handler = registered.get(0);
    try (HandlerRegistry.RunningScope scope = handlers.enter(event)) {
      Object result = run("the " + event + " handler", () -> {
        Object[] args = new Object[arguments.size()];
        for (int i = 0; i < args.length; i++) {
          args[i] = sandbox.toScript(arguments.get(i));
        }
        return handler.function().call(null, args);
      });
      if (JsValues.isAbsent(result)) {
        return null;
      }
      try {
        return JsValues.toJava(result, "the result", 0);
      } catch (KumoApiException e) {
        throw new PolicyException(handler.location() + ": the " + event + " handler returned "
            + e.getMessage(), handler.location(), e);
      }
    }
  }

  /** The handlers the top level registered. */
  @Override
  public HandlerRegistry<ScriptObjectMirror> handlers() {
    return handlers;
  }

  /** The sources the top level defined, by name (latest definition), in first-definition order. */
  @Override
  public Map<String, Made<EgressSource>> definedSources() {
    return defined.definitions();
  }

  /**
   * Calls the handler for {@code hook}.
   *
   * @throws PolicyException as {@link dev.egresskit.core.policy.PolicyEngine#invoke} documents
   */
  @Override
  public <T> Made<T> invoke(Hook<T> hook, String argument, SourceLookup lookup) {
    HandlerRegistry.Handler<ScriptObjectMirror> handler = handlers.handler(hook).orElseThrow(
        () -> new PolicyException("Event " + hook.eventName() + " has not been registered"
            + " (register it with kumo.on('" + hook.eventName() + "', function (name) { ... })"
            + " in " + scriptName + ")", unknownLine));
    SourceLookup previous = this.lookup;
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    HandlerRegistry.RunningScope scope = handlers.enter(hook);
    try {
      Object result = run(hook.eventName(), argument,
          () -> handler.function().call(null, argument));
      if (result instanceof MadeValue made) {
        return KumoBuilders.acceptResult(hook, argument, made.made(), "value",
            handler.location());
      }
      return KumoBuilders.acceptResult(hook, argument, JsValues.isAbsent(result) ? null : result,
          JsValues.typeName(result), handler.location());
    } finally {
      scope.close();
      this.lookup = previous;
    }
  }

  private static String describe(String event, String what) {
    return event == null ? what : event + " handler for '" + what + "'";
  }

  /**
   * Whether a call overflowed the stack: Nashorn may have been interrupted half way through
   * linking or updating its own state, so the engine is not used again.
   */
  @Override
  public boolean broken() {
    return broken;
  }

  /**
   * Runs script code, translating its failures. The outermost call arms the deadline (a nested
   * one, a handler run for {@code kumo.invoke_get_egress_source}, keeps it) and starts with no
   * remembered {@code kumo} failures.
   *
   * @param what the call as the deadline error names it
   */
  private Object run(String what, Callable<Object> call) {
    return run(null, what, call);
  }

  /**
   * {@link #run(String, Callable)} for a handler call: the call is named
   * {@code "<event> handler for '<argument>'"}, a text built only if an error needs it.
   */
  private Object run(String event, String what, Callable<Object> call) {
    boolean outermost = running == 0;
    if (outermost) {
      bridge.clearFailures();
      deadline.arm(deadlineLimit.toNanos());
    }
    running++;
    try {
      return call.call();
    } catch (StackOverflowError e) {
      broken = true;
      throw JsErrors.translate(e, bridge, unknownLine);
    } catch (OutOfMemoryError e) {
      // A single huge request fails at once, before the heap is exhausted: the policy failed,
      // not the MTA. This global is not trusted again.
      broken = true;
      throw new PolicyException(unknownLine + ": " + describe(event, what) + " ran out of memory ("
          + e.getMessage() + ") and was stopped", unknownLine);
    } catch (Exception e) {
      if (deadline.expired()) {
        broken = true;
        ScriptLocation where = stoppedAt(e);
        throw new PolicyException(where + ": " + describe(event, what) + " did not finish within "
            + Durations.format(deadlineLimit) + " (the policy handler deadline) and was stopped",
            where);
      }
      throw JsErrors.translate(e, bridge, unknownLine);
    } finally {
      running--;
      if (outermost) {
        deadline.disarm();
      }
    }
  }

  /** The policy line whose check found the deadline passed. */
  private ScriptLocation stoppedAt(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof Deadline.Stopped) {
        return JsErrors.policyFrame(t, unknownLine);
      }
    }
    return unknownLine;
  }

  // ---------------------------------------------------------------- the kumo functions

  @Override
  public void on(Object event, Object handler, ScriptLocation at) {
    if (!(event instanceof CharSequence name)) {
      throw new KumoApiException("kumo.on: the event name must be a string, got "
          + JsValues.describe(event));
    }
    if (!(handler instanceof ScriptObjectMirror function) || !function.isFunction()) {
      throw new KumoApiException("kumo.on: the handler for '" + name + "' must be a function,"
          + " got " + JsValues.describe(handler));
    }
    handlers.register(name.toString(), function, at);
  }

  @Override
  public MadeValue makeEgressSource(Object spec, ScriptLocation at) {
    return new MadeValue(KumoBuilders.makeSource(
        JsValues.toFields("make_egress_source", spec), at, files), "make_egress_source");
  }

  @Override
  public MadeValue makeEgressPool(Object spec, ScriptLocation at) {
    return new MadeValue(KumoBuilders.makePool(
        JsValues.toFields("make_egress_pool", spec), at), "make_egress_pool");
  }

  @Override
  public void defineEgressSource(Object spec, ScriptLocation at) {
    handlers.runningHandler()
        .filter(event -> event.equals("get_egress_source") || event.equals("get_egress_pool"))
        .ifPresent(event -> {
          throw new KumoApiException("kumo.define_egress_source may only be called while the"
              + " policy loads (at its top level, or in init), not from within the event handler"
              + " '" + event + "'");
        });
    defined.define(KumoBuilders.makeSource(
        JsValues.toFields("define_egress_source", spec), at, files));
  }

  @Override
  public String invokeGetEgressSource(Object name, ScriptLocation at) {
    String text = string("invoke_get_egress_source", "name", name);
    return DataFilesJson.encode(lookup("invoke_get_egress_source").invokeGetEgressSource(text));
  }

  @Override
  public String invokeGetEgressPool(Object name, ScriptLocation at) {
    String text = JsValues.isAbsent(name) ? EgressSource.UNSPECIFIED
        : string("invoke_get_egress_pool", "name", name);
    return DataFilesJson.encode(lookup("invoke_get_egress_pool").invokeGetEgressPool(text));
  }

  @Override
  public ScriptSource loadScript(Object path, ScriptLocation at) {
    String relative = string("load", "path", path);
    return new ScriptSource(relative,
        DeadlineChecks.instrument(relative, files.readText("load", relative)));
  }

  private SourceLookup lookup(String function) {
    if (lookup == null) {
      throw new KumoApiException("kumo." + function + " can only be called from within an event"
          + " handler, not while the policy loads");
    }
    return lookup;
  }

  private static String string(String function, String what, Object value) {
    if (value instanceof CharSequence text) {
      return text.toString();
    }
    throw new KumoApiException("kumo." + function + ": the " + what + " must be a string, got "
        + JsValues.describe(value));
  }
}
