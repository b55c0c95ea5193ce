package dev.egresskit.redispolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.policy.PolicyEngine;
import dev.egresskit.core.policy.PolicyException;
import dev.egresskit.testkit.await.Await;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Redis that accepts connections and never answers (a plain server socket), and one that is
 * not there at all: every query ends as a handler error at the policy line, within the handler
 * deadline, although KumoMTA's documented timeouts (30 s) are far longer.
 */
class SilentRedisTest {
  private static final Duration DEADLINE = Duration.ofMillis(400);
  /** Scheduling slack on a busy machine; the 30 s timeouts are what this must stay far below. */
  private static final Duration SLACK = Duration.ofSeconds(3);

  @TempDir
  Path dir;

  @Test
  void aLuaQueryToARedisThatNeverAnswersFailsAtThePolicyLineWithinTheDeadline() throws Exception {
    try (SilentServer silent = new SilentServer();
         PolicyEngine engine = PolicyRun.load(dir, "policy.lua", """
             local redis = require 'redis'
             local conn = redis.open { node = 'redis://127.0.0.1:%d', connect_timeout = '30 seconds', response_timeout = '30 seconds' }
             kumo.on('get_egress_source', function(name)
               local fields = conn:query('HGETALL', 'source:' .. name)
               return kumo.make_egress_source { name = name }
             end)
             """.formatted(silent.port()), DEADLINE)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> PolicyRun.source(engine, "ip-1"))
          .isInstanceOf(PolicyException.class)
          .hasMessageStartingWith("policy.lua:4: redis query HGETALL")
          .hasMessageContaining("redis://127.0.0.1:" + silent.port())
          .hasMessageContaining("the rest of the policy handler deadline");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).isLessThan(DEADLINE.plus(SLACK));
      // The attempt was real: it reaches the silent server (maybe after the handler gave up).
      Await.until(() -> silent.accepted() == 1, Duration.ofSeconds(20), "the connection attempt");
    }
  }

  @Test
  void aJavaScriptQueryToARedisThatNeverAnswersFailsAtThePolicyLineWithinTheDeadline()
      throws Exception {
    try (SilentServer silent = new SilentServer();
         PolicyEngine engine = PolicyRun.load(dir, "policy.js", """
             var conn = kumo.redis.open({ node: 'redis://127.0.0.1:%d' });
             kumo.on('get_egress_source', function (name) {
               var fields = conn.query('HGETALL', 'source:' + name);
               return kumo.make_egress_source({ name: name });
             });
             """.formatted(silent.port()), DEADLINE)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> PolicyRun.source(engine, "ip-1"))
          .isInstanceOf(PolicyException.class)
          .hasMessageStartingWith("policy.js:3: redis query HGETALL")
          .hasMessageContaining("the rest of the policy handler deadline");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DEADLINE.plus(SLACK));
    }
  }

  @Test
  void aShorterResponseTimeoutThanTheDeadlineBoundsTheWaitAndIsNamed() throws Exception {
    try (SilentServer silent = new SilentServer();
         PolicyEngine engine = PolicyRun.load(dir, "policy.lua", """
             local conn = require('redis').open { node = 'redis://127.0.0.1:%d', connect_timeout = '100ms' }
             kumo.on('get_egress_source', function(name)
               conn:query('GET', name)
             end)
             """.formatted(silent.port()), Duration.ofSeconds(20))) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> PolicyRun.source(engine, "ip-1"))
          .hasMessageStartingWith("policy.lua:3: redis query GET: no connection to")
          .hasMessageContaining("within 100ms (connect_timeout 100ms)");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void aRedisThatIsNotThereIsAClearErrorAtTheQuery() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    try (PolicyEngine engine = PolicyRun.load(dir, "policy.lua", """
        local conn = require('redis').open { node = 'redis://:s3cret-pass@127.0.0.1:%d' }
        kumo.on('get_egress_source', function(name)
          conn:query('GET', name)
        end)
        """.formatted(port), Duration.ofSeconds(5))) {
      assertThatThrownBy(() -> PolicyRun.source(engine, "ip-1"))
          .hasMessage("policy.lua:3: redis query GET: cannot connect to redis://127.0.0.1:"
              + port + ": connection refused")
          .satisfies(e -> assertThat(e.toString()).doesNotContain("s3cret-pass"));
    }
  }

  @Test
  void closingTheEngineClosesItsRedisConnections() throws Exception {
    try (SilentServer silent = new SilentServer()) {
      PolicyEngine engine = PolicyRun.load(dir, "policy.lua", """
          local conn = require('redis').open { node = 'redis://127.0.0.1:%d' }
          kumo.on('get_egress_source', function(name)
            conn:query('GET', name)
          end)
          """.formatted(silent.port()), Duration.ofMillis(300));
      assertThatThrownBy(() -> PolicyRun.source(engine, "ip-1")).isInstanceOf(
          PolicyException.class);
      Await.until(() -> silent.accepted() == 1, Duration.ofSeconds(20), "the connection attempt");
      engine.close();
      Await.until(() -> silent.closedByPeer() == 1, Duration.ofSeconds(10),
          "the engine's redis connection closed");
    }
  }
}
