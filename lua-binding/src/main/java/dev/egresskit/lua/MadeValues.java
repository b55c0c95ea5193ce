package dev.egresskit.lua;

import dev.egresskit.core.model.EgressPool;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.Made;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.TwoArgFunction;

/**
 * The metatable of the opaque userdata that {@code kumo.make_egress_source} and
 * {@code kumo.make_egress_pool} return. Scripts cannot build such a value themselves (Lua code
 * cannot create userdata), read its metatable ({@code __metatable} locks it) or index it; they
 * can print it.
 */
final class MadeValues {
  static final LuaTable METATABLE = new LuaTable();

  static {
    METATABLE.set(LuaValue.METATABLE, LuaValue.valueOf("kumo value"));
    METATABLE.set(LuaValue.TOSTRING, new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue self) {
        return LuaValue.valueOf(describe((Made<?>) self.checkuserdata(Made.class)));
      }
    });
    METATABLE.set(LuaValue.INDEX, new TwoArgFunction() {
      @Override
      public LuaValue call(LuaValue self, LuaValue key) {
        throw new LuaError("attempt to index " + describe((Made<?>) self.checkuserdata(Made.class))
            + " (field '" + key.tojstring() + "'): values built by kumo.make_egress_source and"
            + " kumo.make_egress_pool are opaque; return them from the handler");
      }
    });
    METATABLE.set(LuaValue.NEWINDEX, new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue self) {
        throw new LuaError("values built by kumo.make_egress_source and kumo.make_egress_pool"
            + " cannot be changed; build a new one");
      }
    });
  }

  private MadeValues() {}

  /** {@code egress source 'ip-1' (built at policy.lua:4)}; never shows secrets. */
  static String describe(Made<?> made) {
    String kind = made.value() instanceof EgressSource ? "egress source"
        : made.value() instanceof EgressPool ? "egress pool" : "kumo value";
    String name = made.value() instanceof EgressSource s ? s.name()
        : made.value() instanceof EgressPool p ? p.name() : "?";
    return kind + " '" + name + "' (built at " + made.location() + ")";
  }
}
