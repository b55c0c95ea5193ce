package dev.egresskit.js;

import java.util.Objects;
import javax.script.CompiledScript;
import javax.script.ScriptContext;
import javax.script.ScriptException;
import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;

/**
 * One sandboxed global of a {@link JsRuntime} with the {@code kumo} object installed. The
 * sandbox is built by allow-list, in layers:
 * <ul>
 *   <li>{@code --no-java}: no {@code Java}, {@code Packages}, {@code java.*} or
 *       {@code JavaImporter} globals;</li>
 *   <li>a class filter that denies every class, so even a leaked path to class lookup finds
 *       nothing (and Nashorn refuses reflection when a filter is present);</li>
 *   <li>{@code --no-syntax-extensions}: standard ECMAScript only (no {@code for each}, no
 *       expression closures, no shell syntax; {@code -scripting} is never enabled, so there is
 *       no {@code $EXEC}, {@code $ENV} or {@code readFully});</li>
 *   <li>the bootstrap ({@code kumo-bootstrap.js}) deletes {@code exit}, {@code quit},
 *       {@code loadWithNewGlobal} and {@code __noSuchProperty__} (through which the
 *       {@code engine} and {@code context} objects of {@code javax.script} are otherwise
 *       reachable), replaces {@code load} with a loader for files inside the policy folder,
 *       refuses {@code eval} and the {@code Function} constructor (code made at run time would
 *       escape the deadline checks), and refuses to finish if any of these globals survived.</li>
 * </ul>
 * {@code print} is kept: it writes to standard output, like Lua's {@code print} in KumoMTA, and
 * reaches nothing else.
 *
 * <p>Scripts run here must carry {@link DeadlineChecks}; {@link #eval} adds them. The checks
 * cannot reach inside one regular-expression match, so the bootstrap routes every match through
 * {@link RegExpGuard}, which gives the {@code RegExp} an engine that checks the deadline itself
 * ({@link BoundedRegExp}).
 *
 * <p>A sandbox is not thread-safe; one sandbox is used by one thread at a time.
 */
final class JsSandbox {
  private final JsRuntime runtime;
  private final ScriptContext context;
  /** The global's own JSON.parse, taken before the policy runs (a policy may replace JSON). */
  private final ScriptObjectMirror jsonParse;

  private JsSandbox(JsRuntime runtime, ScriptContext context, ScriptObjectMirror jsonParse) {
    this.runtime = runtime;
    this.context = context;
    this.jsonParse = jsonParse;
  }

  /**
   * A language-neutral value as a script value: strings, booleans and numbers as they are,
   * maps and lists as fresh plain objects and arrays of this global.
   */
  Object toScript(Object value) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    return jsonParse.call(null, DataFilesJson.encode(value));
  }

  /**
   * Creates a global of {@code runtime} and installs {@code bridge} as the {@code kumo} object
   * and {@code deadline} behind the deadline checks.
   *
   * @throws IllegalStateException if the sandbox cannot be set up (a global that must be removed
   *     survived); the global is then never used
   */
  static JsSandbox create(JsRuntime runtime, KumoBridge bridge, Deadline deadline) {
    Objects.requireNonNull(bridge, "bridge");
    Objects.requireNonNull(deadline, "deadline");
    ScriptContext context = runtime.newGlobal();
    Object global = context.getBindings(ScriptContext.ENGINE_SCOPE);
    try {
      Object install = runtime.bootstrap().eval(context);
      Object installLibrary = runtime.library().eval(context);
      ((ScriptObjectMirror) install).call(null, global, bridge, deadline, installLibrary,
          new RegExpGuard(deadline));
      ScriptObjectMirror json = (ScriptObjectMirror) ((ScriptObjectMirror) global).getMember("JSON");
      return new JsSandbox(runtime, context, (ScriptObjectMirror) json.getMember("parse"));
    } catch (ScriptException | RuntimeException e) {
      throw new IllegalStateException("the JavaScript sandbox could not be set up: " + e, e);
    }
  }

  /** A sandbox in a runtime of its own, with a deadline that is never armed (for tests). */
  static JsSandbox create(KumoBridge bridge) {
    return create(new JsRuntime(), bridge, new Deadline());
  }

  /** Runs a script compiled by this sandbox's runtime in this sandbox's global. */
  Object run(CompiledScript script) throws ScriptException {
    return script.eval(context);
  }

  /**
   * Adds the deadline checks to {@code text}, compiles it and runs it in this sandbox's global;
   * frames and errors name it {@code name}.
   */
  Object eval(String name, String text) throws ScriptException {
    return run(runtime.compile(name, DeadlineChecks.instrument(name, text)));
  }
}
