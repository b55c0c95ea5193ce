package dev.egresskit.core.policy.kumo;

/** The body of one {@code kumo} library function, on language-neutral values. */
@FunctionalInterface
public interface KumoFunction {

  /**
   * Runs the function.
   *
   * @throws dev.egresskit.core.policy.support.KumoApiException for a mistake in the call, with a
   *     message written for the policy author
   */
  Object apply(Args args, KumoContext context);
}
