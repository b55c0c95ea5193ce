package dev.egresskit.redispolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.kumo.Args;
import dev.egresskit.core.policy.kumo.KumoContext;
import dev.egresskit.core.policy.kumo.PolicyModules;
import dev.egresskit.core.policy.PolicyUsage;
import dev.egresskit.core.policy.ScriptLocation;
import dev.egresskit.core.policy.support.PolicyFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module as policies find it ({@code require 'redis'}, {@code kumo.redis}) and its
 * connection sharing; no Redis is needed (KumoMTA's {@code open} never waits for one either).
 */
class RedisModuleTest {
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  @TempDir
  Path dir;

  @Test
  void theClassPathOffersTheRedisModule() {
    try (PolicyModules modules = PolicyModules.load()) {
      assertThat(modules.names()).containsExactly("redis");
      assertThat(modules.functions("redis")).containsOnlyKeys("open");
    }
  }

  @Test
  void openWithEqualOptionsSharesOneConnectionAndOtherOptionsGetTheirOwn() {
    RedisPolicyModule module = new RedisPolicyModule();
    try {
      KumoContext context = KumoContext.of(() -> new ScriptLocation("policy.lua", 1),
          new PolicyUsage(), PolicyFiles.of(dir.resolve("policy.lua"),
              dev.egresskit.core.policy.FileAccess.POLICY_FOLDER_ONLY), () -> Long.MAX_VALUE);
      Object first = module.functions().get("open").apply(new Args("redis.open",
          List.of(Map.of("node", "redis://127.0.0.1:6390"))), context);
      module.functions().get("open").apply(new Args("redis.open",
          List.of(Map.of("node", "redis://127.0.0.1:6390"))), context);
      assertThat(module.endpointCount()).isEqualTo(1);
      module.functions().get("open").apply(new Args("redis.open",
          List.of(Map.of("node", "redis://127.0.0.1:6390", "password", "other"))), context);
      assertThat(module.endpointCount()).isEqualTo(2);
      assertThat(first).isInstanceOf(Map.class);
      assertThat(List.copyOf(((Map<?, ?>) first).keySet())).isEqualTo(List.of("query"));
    } finally {
      module.close();
    }
    assertThatThrownBy(() -> module.endpoint(RedisOptions.parse("redis.open",
        Map.of("node", "redis://127.0.0.1:6390"))))
        .hasMessage("redis.open: the policy engine is closed");
  }

  @Test
  void requireRedisIsInPackageLoadedAndWrongOptionsFailAtThePolicyLine() {
    assertThatThrownBy(() -> PolicyRun.load(dir, "policy.lua", """
        assert(package.loaded.redis == require 'redis')
        local redis = require 'redis'
        local conn = redis.open { node = 'redis://127.0.0.1', nodes = 'x' }
        """, DEADLINE))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy.lua:3: redis.open: unknown field 'nodes' (allowed: cluster,"
            + " connect_timeout, node, password, pool_size, read_from_replicas, recycle_timeout,"
            + " response_timeout, username, wait_timeout)");
  }

  @Test
  void aNameTheModuleDoesNotHaveListsTheOnesItHas() {
    assertThatThrownBy(() -> PolicyRun.load(dir, "policy.lua", """
        local redis = require 'redis'
        redis.connect { node = 'redis://127.0.0.1' }
        """, DEADLINE))
        .hasMessageStartingWith("policy.lua:2: redis.connect does not exist (the redis module"
            + " has: open)");
  }

  @Test
  void theModuleIsReadOnly() {
    assertThatThrownBy(() -> PolicyRun.load(dir, "policy.lua", """
        local redis = require 'redis'
        redis.open = function() end
        """, DEADLINE))
        .hasMessageContaining("redis is read-only (cannot set redis.open)");
  }

  @Test
  void javaScriptFindsTheModuleOnKumoAndReportsWrongOptionsAtThePolicyLine() {
    assertThatThrownBy(() -> PolicyRun.load(dir, "policy.js", """
        var redis = kumo.redis;
        var conn = redis.open({ node: 42 });
        """, DEADLINE))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy.js:2: redis.open: field 'node' must be a redis URL string or a"
            + " non-empty list of them, got a number");
  }

  @Test
  void aLuaConnectionObjectHasTheQueryMethodAndLoadsWithoutAServer() {
    try (PolicyEngine engine = PolicyRun.load(dir, "policy.lua", """
        local conn = require('redis').open { node = { 'redis://127.0.0.1:1', 'redis://127.0.0.1:2' } }
        assert(type(conn.query) == 'function', 'query is a function')
        """, DEADLINE)) {
      assertThat(engine.scriptName()).isEqualTo("policy.lua");
    }
  }
}
