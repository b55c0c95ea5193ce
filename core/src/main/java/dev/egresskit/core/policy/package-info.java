/**
 * The policy-engine SPI: a {@link dev.egresskit.core.policy.PolicyEngineProvider} per script
 * language (found with {@link java.util.ServiceLoader} and chosen by file extension) loads a
 * policy into a {@link dev.egresskit.core.policy.PolicyEngine} whose typed
 * {@link dev.egresskit.core.policy.Hook}s the resolver calls.
 */
package dev.egresskit.core.policy;
