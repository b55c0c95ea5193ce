/**
 * An example EgressKit plug-in, loaded with {@code egresskit --plugin DIR}: a site rule
 * ({@link dev.egresskit.examples.EhloDomainRule}, a {@code SourceValidator}) and a cache that
 * writes an audit line per policy lookup ({@link dev.egresskit.examples.AuditCacheFactory}, a
 * {@code SourceCacheFactory}) and, opt-in, a connect strategy that speaks PROXY protocol v1 on
 * HAProxy routes ({@link dev.egresskit.examples.ProxyV1StrategyFactory}). All are registered in
 * {@code META-INF/services}.
 */
package dev.egresskit.examples;
