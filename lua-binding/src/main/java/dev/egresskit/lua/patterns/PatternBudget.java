package dev.egresskit.lua.patterns;

/**
 * What a pattern match may spend. The matcher counts its steps and calls {@link #check()} every
 * {@link #STEPS_PER_CHECK} of them; the check throws to stop the match (for example at the
 * handler deadline). Reading a clock on every step would cost more than the step itself.
 */
@FunctionalInterface
public interface PatternBudget {
  /** How many matcher steps pass between two checks. */
  int STEPS_PER_CHECK = 4096;

  /** A budget that never runs out (for code that runs under no deadline). */
  PatternBudget UNLIMITED = () -> { };

  /** Throws (any unchecked exception) when the match must stop. */
  void check();
}
