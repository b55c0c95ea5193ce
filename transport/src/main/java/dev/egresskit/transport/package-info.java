/**
 * Outbound connections from an {@link dev.egresskit.core.model.EgressSource}: the {@link
 * dev.egresskit.transport.EgressConnector} (direct bind, HAProxy PROXY v2 and SOCKS5 routes under
 * one deadline, with proxy name resolution and candidate failover) and the {@link
 * dev.egresskit.transport.SmtpProbe} (banner, EHLO, QUIT with per-phase timings).
 *
 * <p>Every failure is an {@link dev.egresskit.transport.EgressConnectException} carrying a
 * machine-readable {@link dev.egresskit.core.health.FailureKind}.
 */
package dev.egresskit.transport;
