package dev.egresskit.lua;

import static org.luaj.vm2.Lua.GETARG_A;
import static org.luaj.vm2.Lua.GETARG_B;
import static org.luaj.vm2.Lua.GETARG_C;
import static org.luaj.vm2.Lua.GETARG_sBx;
import static org.luaj.vm2.Lua.GET_OPCODE;
import static org.luaj.vm2.Lua.ISK;
import static org.luaj.vm2.Lua.INDEXK;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;

/**
 * Rewords LuaJ's runtime errors as Lua 5.4 words them, naming what was nil and where it came
 * from: {@code attempt to call a nil value (field 'memoize')} instead of
 * {@code attempt to call nil}, {@code attempt to index a nil value (global 'x')} instead of
 * {@code attempt to index ? (a nil value)}. The name is read from the failing instruction and
 * the function's debug information (locals, upvalues, the instruction that last set the
 * register), as standard Lua does; when it cannot be told, the message has no name.
 */
final class LuaErrorText {
  private static final Pattern CALL = Pattern.compile("attempt to call (\\w+)");
  private static final Pattern INDEX = Pattern.compile(
      "attempt to index \\? \\(a (\\w+) value\\)|index expected, got (\\w+)");
  private static final Pattern ARITH =
      Pattern.compile("attempt to perform arithmetic (?:__\\w+ )?on (\\w+)(?: and (\\w+))?");
  private static final Pattern CONCAT = Pattern.compile("attempt to concatenate (\\w+) and (\\w+)");
  private static final Pattern LENGTH = Pattern.compile("attempt to get length of (\\w+)");
  private static final Pattern COMPARE =
      Pattern.compile("attempt to compare (?:__\\w+ on )?(\\w+) (?:with|and) (\\w+)");

  private LuaErrorText() {}

  /**
   * The message as Lua 5.4 words it, or {@code text} unchanged when it is not one of LuaJ's
   * operator errors raised by {@code frame}'s current instruction.
   */
  static String reword(String text, CallTracker.Frame frame) {
    if (frame == null) {
      return text;
    }
    Prototype p = frame.closure().p;
    int pc = frame.pc();
    if (pc < 0 || pc >= p.code.length) {
      return text;
    }
    int i = p.code[pc];
    int op = GET_OPCODE(i);
    LuaValue[] stack = frame.stack();
    Matcher m;
    if ((m = CALL.matcher(text)).matches()
        && (op == Lua.OP_CALL || op == Lua.OP_TAILCALL || op == Lua.OP_TFORCALL)) {
      return "attempt to call a " + m.group(1) + " value"
          + named(p, pc, GETARG_A(i), stack, m.group(1));
    }
    if ((m = INDEX.matcher(text)).matches()) {
      String type = m.group(1) != null ? m.group(1) : m.group(2);
      String base = "attempt to index a " + type + " value";
      switch (op) {
        case Lua.OP_GETTABLE, Lua.OP_SELF:
          return base + named(p, pc, GETARG_B(i), stack, type);
        case Lua.OP_SETTABLE:
          return base + named(p, pc, GETARG_A(i), stack, type);
        case Lua.OP_GETTABUP:
          return base + upvalue(p, GETARG_B(i));
        case Lua.OP_SETTABUP:
          return base + upvalue(p, GETARG_A(i));
        default:
          return base;
      }
    }
    if ((m = ARITH.matcher(text)).matches()) {
      int culprit = -1;
      if (op >= Lua.OP_ADD && op <= Lua.OP_POW) {
        culprit = isNumber(rk(GETARG_B(i), p, stack)) ? GETARG_C(i) : GETARG_B(i);
      } else if (op == Lua.OP_UNM) {
        culprit = GETARG_B(i);
      }
      String type = culprit < 0 ? m.group(1) : rk(culprit, p, stack).typename();
      return "attempt to perform arithmetic on a " + type + " value"
          + (culprit < 0 || ISK(culprit) ? "" : named(p, pc, culprit, stack, type));
    }
    if ((m = CONCAT.matcher(text)).matches() && op == Lua.OP_CONCAT) {
      for (int r = GETARG_B(i); r <= GETARG_C(i); r++) {
        if (!stack[r].isstring()) {
          String type = stack[r].typename();
          return "attempt to concatenate a " + type + " value" + named(p, pc, r, stack, type);
        }
      }
      return "attempt to concatenate a " + (m.group(1).equals("string") || m.group(1)
          .equals("number") ? m.group(2) : m.group(1)) + " value";
    }
    if ((m = LENGTH.matcher(text)).matches() && op == Lua.OP_LEN) {
      return "attempt to get length of a " + m.group(1) + " value"
          + named(p, pc, GETARG_B(i), stack, m.group(1));
    }
    if ((m = COMPARE.matcher(text)).matches() && (op == Lua.OP_LT || op == Lua.OP_LE)) {
      String left = rk(GETARG_B(i), p, stack).typename();
      String right = rk(GETARG_C(i), p, stack).typename();
      return left.equals(right) ? "attempt to compare two " + left + " values"
          : "attempt to compare " + left + " with " + right;
    }
    return text;
  }

  private static boolean isNumber(LuaValue v) {
    return v.isnumber();
  }

  private static LuaValue rk(int x, Prototype p, LuaValue[] stack) {
    return ISK(x) ? p.k[INDEXK(x)] : stack[x];
  }

  /** " (local 'x')" and the like for register {@code reg}, if it holds a {@code type}. */
  private static String named(Prototype p, int pc, int reg, LuaValue[] stack, String type) {
    if (reg < 0 || reg >= stack.length || !stack[reg].typename().equals(type)) {
      return "";
    }
    String kind = objectName(p, pc, reg);
    return kind == null ? "" : " (" + kind + ")";
  }

  private static String upvalue(Prototype p, int index) {
    String name = upvalueName(p, index);
    return name == null ? "" : " (upvalue '" + name + "')";
  }

  /** What register {@code reg} holds at {@code pc}: {@code local 'x'}, {@code global 'x'}, ... */
  static String objectName(Prototype p, int pc, int reg) {
    LuaString local = p.getlocalname(reg + 1, pc);
    if (local != null) {
      return "local '" + local.tojstring() + "'";
    }
    int set = lastSet(p, pc, reg);
    if (set < 0) {
      return null;
    }
    int i = p.code[set];
    switch (GET_OPCODE(i)) {
      case Lua.OP_MOVE: {
        int from = GETARG_B(i);
        return from < GETARG_A(i) ? objectName(p, set, from) : null;
      }
      case Lua.OP_GETTABUP: {
        String key = constantName(p, GETARG_C(i));
        return key == null ? null
            : ("_ENV".equals(upvalueName(p, GETARG_B(i))) ? "global '" : "field '") + key + "'";
      }
      case Lua.OP_GETTABLE: {
        String key = constantName(p, GETARG_C(i));
        LuaString table = p.getlocalname(GETARG_B(i) + 1, set);
        return key == null ? null : (table != null && table.tojstring().equals("_ENV")
            ? "global '" : "field '") + key + "'";
      }
      case Lua.OP_GETUPVAL: {
        String name = upvalueName(p, GETARG_B(i));
        return name == null ? null : "upvalue '" + name + "'";
      }
      case Lua.OP_SELF: {
        String key = constantName(p, GETARG_C(i));
        return key == null ? null : "method '" + key + "'";
      }
      default:
        return null;
    }
  }

  /**
   * The instruction before {@code lastPc} that last wrote register {@code reg}, or -1 when a jump
   * makes it uncertain (the value may come from another branch).
   */
  private static int lastSet(Prototype p, int lastPc, int reg) {
    int set = -1;
    int jumpTarget = 0;
    for (int pc = 0; pc < lastPc; pc++) {
      int i = p.code[pc];
      int op = GET_OPCODE(i);
      int a = GETARG_A(i);
      boolean writes;
      switch (op) {
        case Lua.OP_LOADNIL:
          writes = a <= reg && reg <= a + GETARG_B(i);
          break;
        case Lua.OP_TFORCALL:
          writes = reg >= a + 2;
          break;
        case Lua.OP_CALL, Lua.OP_TAILCALL:
          writes = reg >= a;
          break;
        case Lua.OP_JMP: {
          int target = pc + 1 + GETARG_sBx(i);
          if (pc < target && target <= lastPc && target > jumpTarget) {
            jumpTarget = target;
          }
          writes = false;
          break;
        }
        default:
          writes = Lua.testAMode(op) && reg == a;
      }
      if (writes) {
        set = pc < jumpTarget ? -1 : pc;
      }
    }
    return set;
  }

  private static String constantName(Prototype p, int rk) {
    if (ISK(rk)) {
      LuaValue k = p.k[INDEXK(rk)];
      return k.type() == LuaValue.TSTRING ? k.tojstring() : null;
    }
    return null;
  }

  private static String upvalueName(Prototype p, int index) {
    if (p.upvalues == null || index < 0 || index >= p.upvalues.length
        || p.upvalues[index].name == null) {
      return null;
    }
    return p.upvalues[index].name.tojstring();
  }
}
