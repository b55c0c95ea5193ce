/**
 * Source health (spec §8): the machine-readable {@link dev.egresskit.core.health.FailureKind} of
 * a connect failure, how it maps to a health event, and automatic suspension of failing sources.
 */
package dev.egresskit.core.health;
