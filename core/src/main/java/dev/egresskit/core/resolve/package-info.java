/**
 * Resolution: {@link dev.egresskit.core.resolve.SourceResolver} turns a source or pool name into
 * a validated {@link dev.egresskit.core.model.EgressSource} or
 * {@link dev.egresskit.core.model.EgressPool} through the cache and the policy's hooks (spec §4,
 * §6.1, §7.1), and {@link dev.egresskit.core.resolve.SourceViews} renders them as KumoMTA's
 * serialised tables ({@code kumo.invoke_get_egress_source}, {@code --json}).
 */
package dev.egresskit.core.resolve;
