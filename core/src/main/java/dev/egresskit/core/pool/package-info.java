/**
 * Egress pools (spec §7): {@link dev.egresskit.core.pool.PoolSelector} picks a source from a pool
 * with KumoMTA's weighted round robin, skipping auto-suspended sources, and reports a
 * {@link dev.egresskit.core.pool.PoolSelection}.
 */
package dev.egresskit.core.pool;
