package dev.egresskit.lua;

import dev.egresskit.core.policy.ScriptLocation;
import org.luaj.vm2.LuaError;

/**
 * An error raised by a {@code kumo.*} function whose text already names the script line (for
 * example an {@link dev.egresskit.core.spec.InvalidSpecException}); LuaJ does not prefix it
 * again.
 */
final class KumoError extends LuaError {
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
