/**
 * The policy-engine SPI and the state a policy builds: a
 * {@link dev.egresskit.core.policy.PolicyEngineProvider} per script language (found with
 * {@link java.util.ServiceLoader} and chosen by file extension) loads a policy into a
 * {@link dev.egresskit.core.policy.PolicyEngine} whose typed {@link dev.egresskit.core.policy.Hook}s
 * the resolver calls. {@link dev.egresskit.core.policy.DefinedSources} holds the sources defined
 * with {@code kumo.define_egress_source}; {@link dev.egresskit.core.policy.Made} is what a
 * {@code make_egress_*} call returned, with the {@link dev.egresskit.core.policy.ScriptLocation}
 * of the call.
 */
package dev.egresskit.core.policy;
