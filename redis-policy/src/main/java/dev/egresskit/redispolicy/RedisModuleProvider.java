package dev.egresskit.redispolicy;

import dev.egresskit.core.policy.kumo.PolicyModule;
import dev.egresskit.core.policy.kumo.PolicyModuleProvider;

/**
 * KumoMTA's {@code redis} module for EgressKit policies: {@code require 'redis'} in Lua,
 * {@code kumo.redis} in JavaScript. Listed in {@code META-INF/services}, so a policy engine offers
 * it whenever this jar is on the class path.
 */
public final class RedisModuleProvider implements PolicyModuleProvider {
  /** The module's name. */
  public static final String NAME = "redis";

  /** Used by {@link java.util.ServiceLoader}. */
  public RedisModuleProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PolicyModule create() {
    return new RedisPolicyModule();
  }
}
