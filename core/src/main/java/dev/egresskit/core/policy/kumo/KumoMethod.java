package dev.egresskit.core.policy.kumo;

import java.util.List;
import java.util.Objects;

/**
 * A function stored in a library object (for example {@code regex:find}). Lua calls it with
 * colon syntax, which passes the object first; a binding drops that argument, so the body sees
 * the same arguments in Lua and JavaScript.
 *
 * @param body what the method does with its arguments (without the object)
 */
public record KumoMethod(ScriptFunction body) implements ScriptFunction {

  /**
   * The key of an object's close handler: a method stored under it is what Lua 5.4's
   * {@code <close>} attribute calls when the variable goes out of scope ({@code __close}). A
   * binding makes it a metamethod, not a field.
   */
  public static final String CLOSE = "__close";

  public KumoMethod {
    Objects.requireNonNull(body, "body");
  }

  @Override
  public Object call(List<Object> args) {
    return body.call(args);
  }
}
