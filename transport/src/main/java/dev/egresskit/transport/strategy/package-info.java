/**
 * The built-in connect strategies, registered through {@link java.util.ServiceLoader}: direct
 * bind ({@link dev.egresskit.transport.strategy.DirectStrategyFactory}), HAProxy PROXY protocol
 * v2 ({@link dev.egresskit.transport.strategy.HaProxyStrategyFactory}) and SOCKS5 with
 * KumoProxy's BIND-then-CONNECT dialect or a plain CONNECT ({@link
 * dev.egresskit.transport.strategy.Socks5StrategyFactory}). Only the factories are public.
 */
package dev.egresskit.transport.strategy;
