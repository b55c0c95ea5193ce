/**
 * KumoProxy's policy configuration ({@code proxy.start_proxy_listener},
 * {@code proxy.start_http_listener}): the validated listener specs a {@code proxy_init} handler
 * asks for, with KumoMTA's defaults and duration grammar. Language-neutral: both policy bindings
 * and the flag form of {@code egresskit proxy} produce these values.
 */
package dev.egresskit.core.policy.proxy;
