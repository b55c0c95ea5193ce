package dev.egresskit.lua;

import dev.egresskit.core.policy.ScriptLocation;
import org.luaj.vm2.Globals;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * LuaJ's interpreter reports every call, instruction and return to the installed
 * {@link DebugLib}. This subclass is installed on {@link Globals#debuglib} but never exposed to
 * scripts as the {@code debug} table; it keeps a light call stack so that {@code kumo.*}
 * functions know the script line that called them, and it stops a handler that runs past its
 * deadline. It replaces (does not extend) DebugLib's own bookkeeping and hook support.
 */
final class CallTracker extends DebugLib {
  /** How many instructions run between two clock reads. */
  private static final int CHECK_EVERY = 1024;
  /** The armed tracker of each thread, for library functions that loop in Java. */
  private static final ThreadLocal<CallTracker> RUNNING = new ThreadLocal<>();

  private LuaClosure[] closures = new LuaClosure[32];
  private int[] pcs = new int[32];
  private LuaValue[][] stacks = new LuaValue[32][];
  /** The code of the innermost frame if it is a Lua function (else null): read per instruction. */
  private int[] topCode;
  /** The tracker armed on this thread before this one (a nested resolution), restored after. */
  private CallTracker outer;
  private int depth;
  private int countdown = CHECK_EVERY;
  private long deadlineNanos;
  private boolean armed;
  private boolean expired;
  /** Builds the deadline error's text; asked only when the deadline has passed. */
  private java.util.function.Supplier<String> deadlineMessage = () -> "";
  private String deadlineText;
  private ScriptLocation lastError;
  private int errorsRecorded;
  /** The frame that just ended with a tail call ({@code return f(x)}), until Lua runs again. */
  private LuaClosure tailClosure;
  private int tailPc;
  /** The innermost frame left other than by a return (a Java error unwinding), until Lua runs. */
  private LuaClosure abandonedClosure;
  private int abandonedPc;

  /** Installs this tracker as the interpreter's debug hook, without a {@code debug} table. */
  @Override
  public LuaValue call(LuaValue modname, LuaValue env) {
    env.checkglobals().debuglib = this;
    return NIL;
  }

  @Override
  public void onCall(LuaFunction f) {
    tailClosure = null;
    push(null, null);
  }

  @Override
  public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
    tailClosure = null;
    push(c, stack);
  }

  @Override
  public void onInstruction(int pc, Varargs v, int top) {
    tailClosure = null;
    abandonedClosure = null;
    if (depth > 0) {
      pcs[depth - 1] = pc;
      int[] code = topCode;
      if (code != null && pc >= 0 && pc < code.length
          && Lua.GET_OPCODE(code[pc]) == Lua.OP_CONCAT) {
        ConcatLimit.check(code[pc], stacks[depth - 1]);
      }
    }
    if (expired) {
      // Sticky: pcall may catch the first error, the next instruction raises it again.
      throw new LuaError(deadlineText());
    }
    if (armed && --countdown <= 0) {
      countdown = CHECK_EVERY;
      if (System.nanoTime() - deadlineNanos > 0) {
        expired = true;
        throw new LuaError(deadlineText());
      }
    }
  }

  @Override
  public void onReturn() {
    if (depth > 0) {
      depth--;
      LuaClosure c = closures[depth];
      closures[depth] = null;
      stacks[depth] = null;
      LuaClosure caller = depth > 0 ? closures[depth - 1] : null;
      topCode = caller != null ? caller.p.code : null;
      int pc = pcs[depth];
      // LuaJ runs the target of `return f(x)` after the frame has ended; remember the frame so a
      // kumo.* function called that way still knows its line.
      int opcode = c != null && pc >= 0 && pc < c.p.code.length
          ? Lua.GET_OPCODE(c.p.code[pc]) : -1;
      if (opcode == Lua.OP_TAILCALL) {
        tailClosure = c;
        tailPc = pc;
      } else {
        tailClosure = null;
      }
      if (opcode >= 0 && opcode != Lua.OP_TAILCALL && opcode != Lua.OP_RETURN
          && abandonedClosure == null) {
        abandonedClosure = c;
        abandonedPc = pc;
      }
    }
  }

  /**
   * The innermost running Lua function: its closure, instruction and registers (what an error
   * message needs to name the nil variable), or {@code null} when a Java function runs.
   */
  Frame innermost() {
    if (depth == 0 || closures[depth - 1] == null || stacks[depth - 1] == null) {
      return null;
    }
    return new Frame(closures[depth - 1], pcs[depth - 1], stacks[depth - 1]);
  }

  /**
   * One Lua function's activation.
   *
   * @param closure the function
   * @param pc      the instruction running
   * @param stack   its registers (live; read at once)
   */
  record Frame(LuaClosure closure, int pc, LuaValue[] stack) {}

  /** Tracebacks are not appended to messages: errors read as in standard Lua. */
  @Override
  public String traceback(int level) {
    return "";
  }

  /** The script and line of the innermost running Lua function, or {@code fallback}. */
  ScriptLocation currentLocation(ScriptLocation fallback) {
    if (tailClosure != null) {
      return location(tailClosure.p, tailPc);
    }
    for (int i = depth - 1; i >= 0; i--) {
      LuaClosure c = closures[i];
      if (c != null) {
        return location(c.p, pcs[i]);
      }
    }
    return fallback;
  }

  /**
   * The innermost running Lua function's position in LuaJ's {@code source:line} form (what LuaJ
   * puts before an error message), or {@code null} when no Lua function runs.
   */
  String currentFileline() {
    if (tailClosure != null) {
      return fileline(tailClosure.p, tailPc);
    }
    for (int i = depth - 1; i >= 0; i--) {
      LuaClosure c = closures[i];
      if (c != null) {
        return fileline(c.p, pcs[i]);
      }
    }
    return null;
  }

  private static String fileline(Prototype p, int pc) {
    String line = p.lineinfo != null && pc >= 0 && pc < p.lineinfo.length
        ? String.valueOf(p.lineinfo[pc]) : "?";
    return (p.source != null ? p.source.tojstring() : "?") + ":" + line;
  }

  /**
   * Where a Java error (one LuaJ does not turn into a Lua error, such as OutOfMemoryError) was
   * raised: the innermost Lua frame it unwound, or {@code fallback}.
   */
  ScriptLocation abandonedAt(ScriptLocation fallback) {
    return abandonedClosure != null ? location(abandonedClosure.p, abandonedPc) : fallback;
  }

  /** Remembers the current position as where the error being raised happened. */
  void recordError() {
    lastError = currentLocation(null);
    errorsRecorded++;
  }

  /** How many errors passed through LuaJ's error handling so far (to spot ones that did not). */
  int errorsRecorded() {
    return errorsRecorded;
  }

  /** Where the last error of this call was raised, or {@code fallback}. */
  ScriptLocation lastError(ScriptLocation fallback) {
    return lastError != null ? lastError : fallback;
  }

  static ScriptLocation location(Prototype p, int pc) {
    String source = p.source == null ? "?" : p.source.tojstring();
    int line = p.lineinfo != null && pc >= 0 && pc < p.lineinfo.length ? p.lineinfo[pc] : 0;
    return new ScriptLocation(source, Math.max(line, 0));
  }

  private String deadlineText() {
    if (deadlineText == null) {
      deadlineText = deadlineMessage.get();
    }
    return deadlineText;
  }

  /**
   * Starts the clock for one top-level call; nested calls keep the outer deadline.
   *
   * @param message the deadline error's text, asked for only if the deadline passes (so a call
   *                that finishes in time builds no text)
   */
  void arm(long deadlineNanos, java.util.function.Supplier<String> message) {
    this.deadlineNanos = deadlineNanos;
    this.deadlineMessage = message;
    this.deadlineText = null;
    this.countdown = CHECK_EVERY;
    this.expired = false;
    this.lastError = null;
    this.armed = true;
    this.outer = RUNNING.get();
    RUNNING.set(this);
  }

  /** Stops the clock after a top-level call. */
  void disarm() {
    armed = false;
    // set(null) rather than remove(): the thread's map entry stays, so the next call's arm()
    // allocates none.
    RUNNING.set(outer);
    outer = null;
  }

  /**
   * For library functions that loop in Java, where {@link #onInstruction} cannot see them:
   * raises the deadline error if the call running on this thread is past its deadline.
   */
  static void checkDeadlineOfThisThread() {
    CallTracker tracker = RUNNING.get();
    if (tracker != null && tracker.armed
        && (tracker.expired || System.nanoTime() - tracker.deadlineNanos > 0)) {
      tracker.expired = true;
      throw new LuaError(tracker.deadlineText());
    }
  }

  /** The deadline of the running call ({@link System#nanoTime()} based), or {@code MAX_VALUE}. */
  long deadlineNanos() {
    return armed() ? deadlineNanos : Long.MAX_VALUE;
  }

  boolean armed() {
    return armed;
  }

  /** Whether the current call ran past its deadline (the interpreter should be discarded). */
  boolean expired() {
    return expired;
  }

  /** Forgets the frames of a call that ended abnormally. */
  void reset() {
    java.util.Arrays.fill(closures, 0, depth, null);
    java.util.Arrays.fill(stacks, 0, depth, null);
    depth = 0;
    topCode = null;
    tailClosure = null;
    abandonedClosure = null;
  }

  private void push(LuaClosure c, LuaValue[] stack) {
    if (depth == closures.length) {
      closures = java.util.Arrays.copyOf(closures, depth * 2);
      pcs = java.util.Arrays.copyOf(pcs, depth * 2);
      stacks = java.util.Arrays.copyOf(stacks, depth * 2);
    }
    closures[depth] = c;
    stacks[depth] = stack;
    topCode = c != null ? c.p.code : null;
    pcs[depth] = 0;
    depth++;
  }
}
