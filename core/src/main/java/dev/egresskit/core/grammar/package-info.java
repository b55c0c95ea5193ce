/**
 * The field grammars, each usable on its own and none performing I/O:
 * {@link dev.egresskit.core.grammar.Durations} (humantime 2.4.0 and {@code duration_serde}),
 * {@link dev.egresskit.core.grammar.IpLiterals} (strict IP literals, never DNS, and the one IP
 * formatter), {@link dev.egresskit.core.grammar.HostNames},
 * {@link dev.egresskit.core.grammar.ProxyServers} (KumoMTA's resolvable socket address) and
 * {@link dev.egresskit.core.grammar.Thresholds} ({@code ThrottleSpec}), plus the text helpers that
 * word errors as KumoMTA does ({@link dev.egresskit.core.grammar.RustText}).
 *
 * <p><b>Error contract:</b> the parsers throw only {@link java.lang.IllegalArgumentException}
 * (with KumoMTA's wording) for any input string; property tests check it with arbitrary strings.
 */
package dev.egresskit.core.grammar;
