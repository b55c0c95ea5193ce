package dev.egresskit.js;

import org.openjdk.nashorn.api.scripting.AbstractJSObject;

/**
 * The clock behind the checks {@link DeadlineChecks} puts into a script: a function the
 * bootstrap captures and calls (through its cheap counting {@code tick}) that throws
 * {@link Stopped} once the current top-level call has run past its deadline. The stop is
 * sticky: every later check of the same call throws again, so a {@code catch} or {@code finally}
 * in the script (each starts with a check) cannot swallow it.
 *
 * <p>One deadline belongs to one interpreter and is used by one thread at a time. Outside a
 * call (not {@linkplain #arm armed}) checks pass.
 */
final class Deadline extends AbstractJSObject {
  private boolean armed;
  private boolean expired;
  private long deadlineNanos;

  /** Thrown into the script at a check past the deadline; its stack shows the policy line. */
  static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("the policy deadline has passed");
    }
  }

  /** Starts the clock for one top-level call. */
  void arm(long nanosFromNow) {
    armed = true;
    expired = false;
    deadlineNanos = System.nanoTime() + nanosFromNow;
  }

  /** Ends the call; checks pass again. */
  void disarm() {
    armed = false;
  }

  /** Whether a check of the current (or last) call found the deadline passed. */
  boolean expired() {
    return expired;
  }

  /** The check itself. */
  void check() {
    if (armed && (expired || System.nanoTime() - deadlineNanos > 0)) {
      expired = true;
      throw new Stopped();
    }
  }

  @Override
  public boolean isFunction() {
    return true;
  }

  @Override
  public Object call(Object thiz, Object... args) {
    check();
    return null;
  }

  @Override
  public String toString() {
    return "function deadline() { [native code] }";
  }
}
