/**
 * The boundary between scripts and the model: {@link dev.egresskit.core.spec.RawSpec} (what a
 * script handed over, with its location), the field grammars, and the single entry point
 * {@link dev.egresskit.core.spec.EgressSpecs} that validates a raw spec and reports every problem
 * at once.
 *
 * <p>Grammars, each usable on its own: {@link dev.egresskit.core.spec.Durations} (humantime 2.4.0
 * and {@code duration_serde}), {@link dev.egresskit.core.spec.IpLiterals} (strict IP literals,
 * never DNS), {@link dev.egresskit.core.spec.ProxyServers} (KumoMTA's resolvable socket address)
 * and {@link dev.egresskit.core.spec.Thresholds} ({@code ThrottleSpec}). <b>Error contract:</b>
 * these parsers throw only {@link java.lang.IllegalArgumentException} (with KumoMTA's wording) for
 * any input string, and {@code EgressSpecs} throws only
 * {@link dev.egresskit.core.spec.InvalidSpecException} for any raw spec; property tests check
 * both with arbitrary strings.
 *
 * <p>{@link dev.egresskit.core.spec.DefinedSources} holds the sources defined with
 * {@code kumo.define_egress_source}; {@link dev.egresskit.core.spec.SourceValidator} is the SPI
 * for site rules.
 */
package dev.egresskit.core.spec;
