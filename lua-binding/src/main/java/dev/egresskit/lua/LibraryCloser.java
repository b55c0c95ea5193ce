package dev.egresskit.lua;

import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code __close} metamethod of an object from the {@code kumo} library (a timer, a log
 * writer): what Lua 5.4's {@code <close>} calls. A variable declared {@code <close>} may hold
 * such an object here, since closing one has nothing left to do that a policy could see when
 * EgressKit leaves it out; one with a policy's own {@code __close} may not
 * ({@link Lua54Operators}).
 */
final class LibraryCloser extends VarArgFunction {
  /** The metatable key. */
  static final LuaValue EVENT = LuaValue.valueOf("__close");

  private final LuaFunction close;

  LibraryCloser(LuaFunction close) {
    this.close = close;
  }

  @Override
  public Varargs invoke(Varargs args) {
    return close.invoke(args);
  }
}
