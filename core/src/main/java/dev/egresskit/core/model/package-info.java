/**
 * The immutable egress-source model: {@link dev.egresskit.core.model.EgressSource}, its sealed
 * {@link dev.egresskit.core.model.Route}, pools and health rules. Values here are always valid: they
 * are only built by {@code dev.egresskit.core.validate.EgressSpecs} after validation (or by code that
 * honours the same invariants).
 */
package dev.egresskit.core.model;
