package dev.egresskit.core.policy.kumo;

import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.support.PolicyFiles;
import dev.egresskit.core.policy.ScriptLocation;

/**
 * What a {@code kumo} library function may know about the call: supplied by the binding that
 * runs the script.
 */
public interface KumoContext {

  /** The script line making the call. */
  ScriptLocation here();

  /** The record of inert calls and validation failures of the loaded policy. */
  PolicyUsage usage();

  /** The policy's read rule: where data files may be read from. */
  PolicyFiles files();

  /**
   * The {@link System#nanoTime()} value at which the running handler must stop, or
   * {@link Long#MAX_VALUE} when the binding stops scripts another way (then the thread's
   * interrupt flag is the signal).
   */
  long deadlineNanos();

  /**
   * The event whose handler is running now (the innermost), or empty while the policy loads.
   * Bindings that do not track it return empty.
   */
  default java.util.Optional<String> runningEvent() {
    return java.util.Optional.empty();
  }

  /**
   * A context from the binding's parts.
   *
   * @param here     the calling line, asked at each call
   * @param deadline the running handler's deadline, asked at each call
   */
  static KumoContext of(java.util.function.Supplier<ScriptLocation> here, PolicyUsage usage,
      PolicyFiles files, java.util.function.LongSupplier deadline) {
    return of(here, usage, files, deadline, java.util.Optional::empty);
  }

  /**
   * A context from the binding's parts, with the running event.
   *
   * @param here     the calling line, asked at each call
   * @param deadline the running handler's deadline, asked at each call
   * @param event    the running handler's event, asked at each call
   */
  static KumoContext of(java.util.function.Supplier<ScriptLocation> here, PolicyUsage usage,
      PolicyFiles files, java.util.function.LongSupplier deadline,
      java.util.function.Supplier<java.util.Optional<String>> event) {
    java.util.Objects.requireNonNull(event, "event");
    java.util.Objects.requireNonNull(usage, "usage");
    java.util.Objects.requireNonNull(files, "files");
    return new KumoContext() {
      @Override
      public ScriptLocation here() {
        return here.get();
      }

      @Override
      public PolicyUsage usage() {
        return usage;
      }

      @Override
      public PolicyFiles files() {
        return files;
      }

      @Override
      public long deadlineNanos() {
        return deadline.getAsLong();
      }

      @Override
      public java.util.Optional<String> runningEvent() {
        return event.get();
      }
    };
  }
}
