package dev.egresskit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.policy.Hook;
import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyEngines;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.core.policy.SourceLookup;
import dev.egresskit.core.testing.MutableClock;
import dev.egresskit.embed.EgressKit;
import dev.egresskit.testkit.await.Await;
import dev.egresskit.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policies that read Redis with KumoMTA's API ({@code require 'redis'}, {@code kumo.redis} in
 * JavaScript) against a real {@code redis-server}: replies of every shape, error replies,
 * authentication, a single-node cluster, and sources kept in Redis hashes that the cache picks
 * up within one TTL of a change.
 */
@ExtendWith(PeerExtension.class)
class RedisPolicyIT {
  /**
   * Generous: these tests check replies, not timing (SilentRedisTest checks the deadline bound),
   * and a cold JVM on a loaded machine can take seconds to make its first connection.
   */
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final SourceLookup NO_LOOKUP = new SourceLookup() {
    @Override
    public Map<String, Object> invokeGetEgressSource(String name) {
      throw new UnsupportedOperationException(name);
    }

    @Override
    public Map<String, Object> invokeGetEgressPool(String name) {
      throw new UnsupportedOperationException(name);
    }
  };

  @TempDir
  Path dir;

  private PolicyEngine load(String fileName, String text) throws IOException {
    Path script = dir.resolve(fileName);
    Files.writeString(script, text);
    return PolicyEngines.load(script, new PolicySettings(2, DEADLINE));
  }

  private static EgressSource source(PolicyEngine engine, String name) {
    return engine.invoke(Hook.GET_EGRESS_SOURCE, name, NO_LOOKUP).value();
  }

  @Test
  void luaQueriesRoundTripEveryReplyShape(Peers peers) throws IOException {
    RedisServer redis = peers.closeAtEnd(RedisServer.start(peers.dir()));
    try (PolicyEngine engine = load("policy.lua", """
        local redis = require 'redis'
        local conn = redis.open { node = '%s' }
        local function check(ok, what)
          if not ok then error('check failed: ' .. what, 2) end
        end
        kumo.on('get_egress_source', function(name)
          conn:query('FLUSHDB')
          check(conn:query('SET', 'greeting', 'hello') == true, 'SET gives true (OK)')
          check(conn:query('GET', 'greeting') == 'hello', 'GET gives the string')
          conn:query('SET', 'stored-ok', 'OK')
          check(conn:query('GET', 'stored-ok') == 'OK', 'a stored OK stays a string')
          check(conn:query('GET', 'missing') == nil, 'a missing key is nil')
          check(conn:query('INCRBY', 'counter', 5) == 5, 'INCRBY gives an integer')
          check(conn:query('PING') == 'PONG', 'a status other than OK is a string')
          conn:query('RPUSH', 'list', 'a', 'b', 'c')
          local list = conn:query('LRANGE', 'list', 0, -1)
          check(#list == 3 and list[1] == 'a' and list[3] == 'c', 'LRANGE gives an array')
          local mget = conn:query('MGET', 'greeting', 'missing', 'counter')
          check(mget[1] == 'hello' and mget[2] == nil and mget[3] == '5', 'MGET keeps nil in place')
          check(#conn:query('LRANGE', 'nothing', 0, -1) == 0, 'an empty array is an empty table')
          conn:query('HSET', 'h', { ehlo_domain = 'mx.example', weight = 5 })
          local flat = conn:query('HGETALL', 'h')
          check(#flat == 4, 'HGETALL gives a flat list (RESP2, as KumoMTA)')
          local ok, err = pcall(function() return conn:query('HGET', 'list', 'x') end)
          check(not ok and string.find(err, 'WRONGTYPE', 1, true), 'an error reply raises: ' .. tostring(err))
          return kumo.make_egress_source { name = name, ehlo_domain = conn:query('GET', 'greeting') .. '.example' }
        end)
        """.formatted(redis.url()))) {
      assertThat(source(engine, "ip-1").ehloDomain()).contains("hello.example");
    }
  }

  @Test
  void resp3MapsAreKeyedTablesAndNestedArraysKeepTheirShape(Peers peers) throws IOException {
    RedisServer redis = peers.closeAtEnd(RedisServer.start(peers.dir()));
    try (PolicyEngine engine = load("policy.lua", """
        local redis = require 'redis'
        local resp3 = redis.open { node = '%1$s/0?protocol=resp3' }
        local resp2 = redis.open { node = '%1$s' }
        local function check(ok, what)
          if not ok then error('check failed: ' .. what, 2) end
        end
        kumo.on('get_egress_source', function(name)
          resp2:query('HSET', 'source:' .. name, 'ehlo_domain', 'resp3.example', 'ttl', '30s')
          local map = resp3:query('HGETALL', 'source:' .. name)
          check(map.ehlo_domain == 'resp3.example' and map.ttl == '30s', 'a RESP3 map is keyed')
          local scan = resp2:query('SCAN', 0, 'MATCH', 'source:*', 'COUNT', 100)
          check(type(scan[1]) == 'string' and type(scan[2]) == 'table', 'SCAN gives {cursor, {keys}}')
          check(scan[2][1] == 'source:' .. name, 'the nested array holds the key')
          map.name = name
          return kumo.make_egress_source(map)
        end)
        """.formatted(redis.url()))) {
      EgressSource source = source(engine, "ip-1");
      assertThat(source.ehloDomain()).contains("resp3.example");
      assertThat(source.ttl()).isEqualTo(Duration.ofSeconds(30));
    }
  }

  @Test
  void anErrorReplyIsAHandlerErrorAtThePolicyLine(Peers peers) throws IOException {
    RedisServer redis = peers.closeAtEnd(RedisServer.start(peers.dir()));
    try (PolicyEngine engine = load("policy.lua", """
        local conn = require('redis').open { node = '%s' }
        kumo.on('get_egress_source', function(name)
          conn:query('RPUSH', 'a-list', 'x')
          conn:query('HGET', 'a-list', 'field')
        end)
        """.formatted(redis.url()))) {
      assertThatThrownBy(() -> source(engine, "ip-1"))
          .isInstanceOf(PolicyException.class)
          .hasMessage("policy.lua:4: redis query HGET: WRONGTYPE Operation against a key holding"
              + " the wrong kind of value");
    }
  }

  @Test
  void javaScriptQueriesRoundTripEveryReplyShape(Peers peers) throws IOException {
    RedisServer redis = peers.closeAtEnd(RedisServer.start(peers.dir()));
    try (PolicyEngine engine = load("policy.js", """
        var conn = kumo.redis.open({ node: '%s' });
        function check(ok, what) {
          if (!ok) { throw new Error('check failed: ' + what); }
        }
        kumo.on('get_egress_source', function (name) {
          conn.query('FLUSHDB');
          check(conn.query('SET', 'greeting', 'hello') === true, 'SET gives true (OK)');
          check(conn.query('GET', 'greeting') === 'hello', 'GET gives the string');
          check(conn.query('GET', 'missing') === null, 'a missing key is null');
          check(conn.query('INCRBY', 'counter', 5) === 5, 'INCRBY gives a number');
          conn.query('RPUSH', 'list', 'a', 'b', 'c');
          var list = conn.query('LRANGE', 'list', 0, -1);
          check(list.length === 3 && list[0] === 'a' && list[2] === 'c', 'LRANGE gives an array');
          var mget = conn.query('MGET', 'greeting', 'missing', 'counter');
          check(mget.length === 3 && mget[1] === null && mget[2] === '5', 'MGET keeps null in place');
          var failed = null;
          try { conn.query('HGET', 'list', 'x'); } catch (e) { failed = e.message; }
          check(failed !== null && failed.indexOf('WRONGTYPE') >= 0, 'an error reply throws: ' + failed);
          return kumo.make_egress_source({ name: name, ehlo_domain: conn.query('GET', 'greeting') + '.example' });
        });
        """.formatted(redis.url()))) {
      assertThat(source(engine, "ip-1").ehloDomain()).contains("hello.example");
    }
  }

  @Test
  void aWrongPasswordIsAClearErrorThatNeverShowsThePassword(Peers peers) throws IOException {
    RedisServer redis = peers.closeAtEnd(
        RedisServer.start(peers.dir(), "--requirepass", "right-pass-123"));
    String hostPort = "127.0.0.1:" + redis.port();
    try (PolicyEngine engine = load("policy.lua", """
        local redis = require 'redis'
        local wrong = redis.open { node = 'redis://%1$s', password = 'wrong-pass-456' }
        local right = redis.open { node = 'redis://:right-pass-123@%1$s' }
        kumo.on('get_egress_source', function(name)
          if name == 'wrong' then
            wrong:query('GET', 'x')
          end
          right:query('SET', 'x', 'ok')
          return kumo.make_egress_source { name = name, ehlo_domain = right:query('GET', 'x') .. '.example' }
        end)
        """.formatted(hostPort))) {
      assertThatThrownBy(() -> source(engine, "wrong"))
          .isInstanceOf(PolicyException.class)
          .hasMessageStartingWith("policy.lua:6: redis query GET: cannot connect to redis://"
              + hostPort + ": WRONGPASS")
          .hasMessageContaining("check the username and password of redis.open")
          .satisfies(e -> assertThat(stackText(e)).doesNotContain("wrong-pass-456")
              .doesNotContain("right-pass-123"));
      assertThat(source(engine, "right").ehloDomain()).contains("ok.example");
    }
  }

  @Test
  void aClusterUrlListReachesASingleNodeCluster(Peers peers) throws IOException {
    RedisServer redis = peers.closeAtEnd(
        RedisServer.start(peers.dir(), "--cluster-enabled", "yes"));
    RedisClient admin = RedisClient.create(redis.url());
    try (StatefulRedisConnection<String, String> connection = admin.connect()) {
      RedisCommands<String, String> sync = connection.sync();
      sync.clusterAddSlots(java.util.stream.IntStream.range(0, 16384).toArray());
      Await.until(() -> sync.clusterInfo().contains("cluster_state:ok"), Duration.ofSeconds(20),
          "the one-node cluster to be ok");
    } finally {
      admin.shutdown();
    }
    try (PolicyEngine engine = load("policy.lua", """
        local conn = require('redis').open { node = { '%s' }, read_from_replicas = true }
        kumo.on('get_egress_source', function(name)
          for i = 1, 20 do
            conn:query('SET', 'key-' .. i, 'v' .. i)
          end
          return kumo.make_egress_source { name = name, ehlo_domain = conn:query('GET', 'key-7') .. '.example' }
        end)
        """.formatted(redis.url()))) {
      assertThat(source(engine, "ip-1").ehloDomain()).contains("v7.example");
    }
  }

  @Test
  void sourcesKeptInRedisHashesAreResolvedWithinOneTtlOfAChange(Peers peers) throws IOException {
    RedisServer redis = peers.closeAtEnd(RedisServer.start(peers.dir()));
    RedisClient admin = RedisClient.create(redis.url());
    Path script = dir.resolve("policy.lua");
    Files.writeString(script, """
        local redis = require 'redis'
        local conn = redis.open { node = '%s' }
        kumo.on('get_egress_source', function(name)
          local fields = conn:query('HGETALL', 'source:' .. name)
          if #fields == 0 then
            error('no source ' .. name .. ' in redis')
          end
          local params = { name = name }
          for i = 1, #fields, 2 do
            params[fields[i]] = fields[i + 1]
          end
          return kumo.make_egress_source(params)
        end)
        """.formatted(redis.url()));
    MutableClock clock = new MutableClock();
    try (StatefulRedisConnection<String, String> connection = admin.connect();
         EgressKit kit = EgressKit.builder().policy(script).clock(clock)
             .handlerDeadline(DEADLINE).build()) {
      RedisCommands<String, String> sync = connection.sync();
      sync.hset("source:ip-1", Map.of("source_address", "127.0.0.2",
          "ehlo_domain", "first.example", "ttl", "60 seconds"));
      assertThat(kit.source("ip-1").ehloDomain()).contains("first.example");

      sync.hset("source:ip-1", "ehlo_domain", "second.example");
      clock.advance(Duration.ofSeconds(59));
      assertThat(kit.source("ip-1").ehloDomain())
          .as("still cached within the TTL").contains("first.example");
      clock.advance(Duration.ofSeconds(2));
      assertThat(kit.source("ip-1").ehloDomain())
          .as("re-read from Redis once the TTL has passed").contains("second.example");
    } finally {
      admin.shutdown();
    }
  }

  private static String stackText(Throwable e) {
    java.io.StringWriter out = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }
}
