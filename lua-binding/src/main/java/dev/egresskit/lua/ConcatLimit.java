package dev.egresskit.lua;

import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * Bounds the {@code ..} operator, which LuaJ runs inside one instruction: before a concatenation
 * runs, the lengths of its string and number operands are added up, and a result over
 * {@link SandboxLimits#MAX_STRING_BYTES} is an error instead of an allocation (doubling a string
 * 30 times in a loop would otherwise ask for gigabytes in a few instructions).
 */
final class ConcatLimit {
  private ConcatLimit() {}

  /** Called before a concatenation instruction runs on {@code stack}. */
  static void check(int instruction, LuaValue[] stack) {
    if (stack == null) {
      return;
    }
    long total = 0;
    for (int r = Lua.GETARG_B(instruction); r <= Lua.GETARG_C(instruction); r++) {
      LuaValue operand = stack[r];
      if (operand.isstring()) {
        // A number's text is short; counting its full 40 bytes keeps this check cheap.
        total += operand.type() == LuaValue.TSTRING ? operand.rawlen() : 40;
      }
    }
    if (total > SandboxLimits.MAX_STRING_BYTES) {
      throw new LuaError("attempt to build a string of " + total + " bytes with '..', larger"
          + " than the sandbox's limit of " + SandboxLimits.MAX_STRING_BYTES + " bytes (16 MiB)");
    }
  }
}
