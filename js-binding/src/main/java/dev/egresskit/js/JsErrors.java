package dev.egresskit.js;

import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.spec.InvalidSpecException;
import javax.script.ScriptException;
import org.openjdk.nashorn.api.scripting.NashornException;
import org.openjdk.nashorn.api.scripting.ScriptObjectMirror;

/**
 * Turns what a Nashorn call threw into a {@link PolicyException} whose message starts with the
 * policy's {@code script:line:} and carries the script's own error text unchanged:
 * {@code policy.js:7: no such source} for {@code throw new Error('no such source')} (as Lua's
 * {@code error('...')} reads), {@code policy.js:3: TypeError: ...} for other error types, and
 * {@code policy.js:5: nope} for a thrown non-error value. A failed {@code kumo} call keeps the location
 * of the policy line that made it and its Java cause (e.g. the {@link InvalidSpecException} with
 * every problem).
 */
final class JsErrors {
  private JsErrors() {}

  /** The message of a failed {@code kumo} call, as the script's {@code Error} shows it. */
  static String kumoMessage(RuntimeException e, ScriptLocation at) {
    String message = String.valueOf(e.getMessage());
    // A validation error already names the make_* call and its location.
    return e instanceof InvalidSpecException ? message : at + ": " + message;
  }

  /**
   * Translates a failure of a script call.
   *
   * @param failure  what the engine threw
   * @param bridge   the engine's bridge, to recognise failed {@code kumo} calls
   * @param fallback the location used when the engine reports none
   */
  static PolicyException translate(Throwable failure, KumoBridge bridge, ScriptLocation fallback) {
    Throwable t = failure;
    if (t instanceof ScriptException se && se.getCause() != null) {
      t = se.getCause();
    }
    if (t instanceof NashornException ne) {
      KumoBridge.Failure kumo = kumoFailure(ne.getEcmaError(), bridge);
      if (kumo != null) {
        return new PolicyException(kumo.message(), kumo.location(), kumo.cause());
      }
      ScriptLocation at = JsRuntime.BOOTSTRAP_NAME.equals(ne.getFileName())
          ? policyFrame(ne, fallback) // thrown by a bounded built-in the bootstrap installed
          : location(ne.getFileName(), ne.getLineNumber(), fallback);
      String message = plainErrorMessage(ne.getEcmaError());
      if (message == null) {
        message = String.valueOf(ne.getMessage());
      }
      // Syntax errors already start with "file:line:column".
      String text = message.startsWith(at.script() + ":") ? message : at + ": " + message;
      return new PolicyException(text, at, ne);
    }
    if (t instanceof ScriptException se) {
      ScriptLocation at = location(se.getFileName(), se.getLineNumber(), fallback);
      return new PolicyException(at + ": " + se.getMessage(), at, se);
    }
    if (t instanceof StackOverflowError) {
      return new PolicyException(fallback + ": the policy overflowed the stack (endless"
          + " recursion?)", fallback, t);
    }
    if (t instanceof PolicyException pe) {
      return pe;
    }
    return new PolicyException(fallback + ": " + t, fallback, t);
  }

  /**
   * The message of a plain {@code Error} ({@code throw new Error('text')} shows as {@code text},
   * like Lua's {@code error('text')}); {@code null} for other values, which keep their type name
   * ({@code TypeError: ...}).
   */
  private static String plainErrorMessage(Object ecmaError) {
    if (ecmaError instanceof ScriptObjectMirror error && "Error".equals(error.getClassName())
        && "Error".equals(String.valueOf(error.getMember("name")))
        && error.getMember("message") instanceof CharSequence message) {
      return message.toString();
    }
    return null;
  }

  private static KumoBridge.Failure kumoFailure(Object ecmaError, KumoBridge bridge) {
    if (bridge != null && ecmaError instanceof ScriptObjectMirror error
        && error.getMember("__kumo_failure__") instanceof Number id) {
      return bridge.failure(id.intValue());
    }
    return null;
  }

  /** The innermost policy line on the stack of {@code failure}. */
  static ScriptLocation policyFrame(Throwable failure, ScriptLocation fallback) {
    for (StackTraceElement frame : NashornException.getScriptFrames(failure)) {
      if (frame.getFileName() != null && !JsRuntime.BOOTSTRAP_NAME.equals(frame.getFileName())) {
        return new ScriptLocation(frame.getFileName(), Math.max(frame.getLineNumber(), 0));
      }
    }
    return fallback;
  }

  private static ScriptLocation location(String file, int line, ScriptLocation fallback) {
    if (file == null || file.isEmpty()) {
      return fallback;
    }
    return new ScriptLocation(file, Math.max(line, 0));
  }
}
