package dev.egresskit.core.policy.kumo;

import java.util.List;

/**
 * A function that crosses between a script and the {@code kumo} library in either direction: a
 * script function handed to {@code kumo.memoize}, or a library function handed back to a script
 * (a memoized function, a method of a compiled regex). Arguments and results are language-neutral
 * values: {@code null}, {@link Boolean}, {@link Long}, {@link Double}, {@link String},
 * {@code List}, {@code Map<String, ?>} and {@code ScriptFunction}.
 */
@FunctionalInterface
public interface ScriptFunction {

  /**
   * Calls the function.
   *
   * @param args the arguments, in order
   * @return the result; several script results arrive as one {@code List}
   */
  Object call(List<Object> args);
}
