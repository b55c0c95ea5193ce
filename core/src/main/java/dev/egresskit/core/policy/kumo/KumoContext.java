package dev.egresskit.core.policy.kumo;

import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.support.PolicyFolder;
import dev.egresskit.core.spec.ScriptLocation;

/**
 * What a {@code kumo} library function may know about the call: supplied by the binding that
 * runs the script.
 */
public interface KumoContext {

  /** The script line making the call. */
  ScriptLocation here();

  /** The record of inert calls and validation failures of the loaded policy. */
  PolicyUsage usage();

  /** Where data files may be read from (the policy's read rule). */
  PolicyFolder folder();

  /**
   * The {@link System#nanoTime()} value at which the running handler must stop, or
   * {@link Long#MAX_VALUE} when the binding stops scripts another way (then the thread's
   * interrupt flag is the signal).
   */
  long deadlineNanos();
}
