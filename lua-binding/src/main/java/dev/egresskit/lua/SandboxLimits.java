package dev.egresskit.lua;

import dev.egresskit.lua.patterns.PatternBudget;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * The bounds the sandbox's library functions keep, because the instruction hook cannot see work
 * done inside one Java library call: the longest string one call may build, the most values one
 * call may return, and the deadline check for loops that run in Java.
 */
final class SandboxLimits {
  /** The longest string one library call or {@code ..} may build: far beyond a policy's needs. */
  static final int MAX_STRING_BYTES = 16 * 1024 * 1024;
  /** The most values one call may return (Lua 5.4's stack limit, {@code LUAI_MAXSTACK}). */
  static final int MAX_VALUES = 1_000_000;
  /** Raises the handler deadline error when the running call on this thread is past it. */
  static final PatternBudget DEADLINE = CallTracker::checkDeadlineOfThisThread;

  private SandboxLimits() {}

  /** Throws if a string of {@code length} bytes built by {@code function} is over the limit. */
  static void checkLength(String function, long length) {
    if (length > MAX_STRING_BYTES) {
      throw tooLarge(function);
    }
  }

  /** The length of a string, or of a number's text; 0 for other values. */
  static int textLength(LuaValue value) {
    return value.isstring() ? value.strvalue().m_length : 0;
  }

  static LuaError tooLarge(String function) {
    return new LuaError(function + ": the result would be larger than the sandbox's limit of "
        + MAX_STRING_BYTES + " bytes (16 MiB)");
  }
}
