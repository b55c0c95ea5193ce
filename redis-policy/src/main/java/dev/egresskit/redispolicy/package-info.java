/**
 * KumoMTA's {@code redis} policy module on Lettuce: {@code require 'redis'} in Lua and
 * {@code kumo.redis} in JavaScript give {@code open{...}} (KumoMTA's connection options: one
 * node or a cluster's URL list, credentials, timeouts) and the connection's {@code query(cmd,
 * ...)}, whose replies map to script values as KumoMTA maps them. Every wait for Redis is bounded
 * by the running handler's deadline. Connections are shared per option set by the interpreters
 * of one policy and closed with its engine. Found through
 * {@link dev.egresskit.core.policy.kumo.PolicyModuleProvider}.
 */
package dev.egresskit.redispolicy;
