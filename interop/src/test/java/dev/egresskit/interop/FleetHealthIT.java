package dev.egresskit.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.health.HealthEvent;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.HealthRules;
import dev.egresskit.core.model.Route;
import dev.egresskit.core.model.SuspendOnFailure;
import dev.egresskit.core.model.Trigger;
import dev.egresskit.core.testing.MutableClock;
import dev.egresskit.fleet.FleetHealthException;
import dev.egresskit.fleet.FleetHealthSettings;
import dev.egresskit.fleet.RedisSourceHealth;
import dev.egresskit.testkit.await.Await;
import dev.egresskit.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fleet-wide source health against a real {@code redis-server}: nodes are {@link
 * RedisSourceHealth} instances in this JVM, each with its own meters, sharing one clock that only
 * the test moves (so windows are exact); Redis is started, killed, paused and restarted here.
 */
class FleetHealthIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration SUSPENSION = Duration.ofMinutes(5);

  @TempDir Path dir;

  // Real time, on a bucket boundary: suspension keys expire on Redis's clock.
  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(60));
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private RedisServer redis(String... args) {
    RedisServer server = RedisServer.start(dir.resolve("redis"), args);
    open.add(server);
    return server;
  }

  private RedisSourceHealth node(String id, String url) {
    return node(id, url, new SimpleMeterRegistry());
  }

  private RedisSourceHealth node(String id, String url, SimpleMeterRegistry registry) {
    RedisSourceHealth node = RedisSourceHealth.start(FleetHealthSettings.of(url).withNodeId(id)
        .withHeartbeat(Duration.ofMillis(100)), clock, registry);
    open.add(node);
    return node;
  }

  private static EgressSource proxied(String name, SuspendOnFailure rule) {
    return new EgressSource(name, Optional.empty(), OptionalInt.empty(), Duration.ofMinutes(1),
        new HealthRules(Optional.empty(), Optional.of(rule)), new Route.Direct(Optional.empty()));
  }

  private static SuspendOnFailure threshold(int limit, Duration period) {
    return new SuspendOnFailure(new Trigger.Threshold(limit, period), SUSPENSION);
  }

  private StatefulRedisConnection<String, String> inspect(RedisServer server) {
    RedisClient client = RedisClient.create(server.url());
    StatefulRedisConnection<String, String> connection = client.connect();
    open.add(client::shutdown);
    open.add(connection);
    return connection;
  }

  private static long windowSize(StatefulRedisConnection<String, String> redis, String source) {
    List<String> keys = redis.sync().keys("egresskit:health:{" + source + "}:window:*");
    return keys.isEmpty() ? 0 : redis.sync().zcard(keys.get(0));
  }

  @Test
  void failuresSpreadOverNodesSuspendTheSourceOnEveryNode() {
    RedisServer server = redis();
    RedisSourceHealth a = node("a", server.url());
    RedisSourceHealth b = node("b", server.url());
    RedisSourceHealth c = node("c", server.url());
    EgressSource ip1 = proxied("ip-1", threshold(3, Duration.ofMinutes(1)));
    var redis = inspect(server);

    a.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);
    b.recordFailure(ip1, FailureKind.PROXY_BIND_REJECTED);
    Await.until(() -> windowSize(redis, "ip-1") == 2, WAIT, "two failures in the shared window");
    assertThat(List.of(a, b, c)).allSatisfy(n -> assertThat(n.suspendedUntil("ip-1")).isEmpty());

    c.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);

    Instant until = clock.instant().plus(SUSPENSION);
    Await.until(() -> List.of(a, b, c).stream()
        .allMatch(n -> n.suspendedUntil("ip-1").equals(Optional.of(until))), WAIT,
        "every node suspends ip-1 until the third failure's time + duration");
    assertThat(redis.sync().get("egresskit:health:{ip-1}:suspended"))
        .isEqualTo("ProxyUnhealthy " + until.toEpochMilli() + " c ip-1");
  }

  /** The ids of the failures whose tallies {@code node} hears, in the order it hears them. */
  private static List<String> heardBy(RedisSourceHealth node) {
    List<String> heard = new CopyOnWriteArrayList<>();
    node.probe((stage, id, nanos) -> {
      if (stage == RedisSourceHealth.Stage.HEARD) {
        heard.add(id);
      }
    });
    return heard;
  }

  @Test
  void aNodeThatHeardTheSumOneShortSuspendsAtItsOwnNextFailureWithoutARoundTrip() {
    RedisServer server = redis();
    RedisSourceHealth a = node("a", server.url());
    RedisSourceHealth b = node("b", server.url());
    RedisSourceHealth c = node("c", server.url());
    List<String> heardByB = heardBy(b);
    EgressSource ip1 = proxied("ip-1", threshold(3, Duration.ofMinutes(1)));
    a.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);
    a.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);
    Await.until(() -> heardByB.equals(List.of("a:1", "a:2")), WAIT,
        "b heard the tallies of a's two failures, in order");
    assertThat(b.suspendedUntil("ip-1")).isEmpty();

    server.pause(); // Redis answers nothing now: b's decision cannot come from Redis
    b.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);

    Instant until = clock.instant().plus(SUSPENSION);
    assertThat(b.suspendedUntil("ip-1")).as("suspended when recordFailure returns")
        .contains(until);
    assertThat(a.suspendedUntil("ip-1")).isEmpty();
    server.resume();
    Await.until(() -> List.of(a, c).stream()
        .allMatch(n -> n.suspendedUntil("ip-1").equals(Optional.of(until))), WAIT,
        "b's suspension reaches the others once Redis answers");
    assertThat(inspect(server).sync().get("egresskit:health:{ip-1}:suspended"))
        .isEqualTo("ProxyUnhealthy " + until.toEpochMilli() + " b ip-1");
  }

  @Test
  void aTallyWhoseOldestFailureLeftTheWindowTripsNothing() {
    RedisServer server = redis();
    RedisSourceHealth a = node("a", server.url());
    RedisSourceHealth b = node("b", server.url());
    List<String> heardByB = heardBy(b);
    EgressSource ip1 = proxied("ip-1", threshold(3, Duration.ofSeconds(30)));
    var redis = inspect(server);
    a.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);
    a.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);
    Await.until(() -> heardByB.size() == 2, WAIT, "b heard the sum of two");

    clock.advance(Duration.ofSeconds(30)); // both leave the 30 x 1 s window
    b.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);

    assertThat(b.suspendedUntil("ip-1")).isEmpty();
    Await.until(() -> heardByB.size() == 3, WAIT, "b heard its own failure's tally");
    assertThat(windowSize(redis, "ip-1")).isEqualTo(1);
    assertThat(List.of(a, b)).allSatisfy(n -> assertThat(n.suspendedUntil("ip-1")).isEmpty());
  }

  /**
   * A node can run its Redis connections on the connector's event loops: failures recorded on
   * such a loop count fleet-wide, the news is read on that loop, and closing the node leaves the
   * loops running. Loops of another transport than Lettuce's are not borrowed (the node uses a
   * thread of its own and works the same).
   */
  @Test
  void aNodeOnLentEventLoopsSharesFailuresReadsOnThoseLoopsAndLeavesThemRunning()
      throws Exception {
    assertThat(io.netty.channel.epoll.Epoll.isAvailable()).as("this test lends epoll loops")
        .isTrue();
    var epoll = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
        io.netty.channel.epoll.EpollIoHandler.newFactory());
    var nio = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
        io.netty.channel.nio.NioIoHandler.newFactory());
    open.add(() -> epoll.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync());
    open.add(() -> nio.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync());
    RedisServer server = redis();
    RedisSourceHealth a = lentNode("a", server.url(), epoll);
    RedisSourceHealth b = lentNode("b", server.url(), nio); // Lettuce uses epoll: not lent
    List<Boolean> aHeardOnItsLoop = new CopyOnWriteArrayList<>();
    List<Boolean> bHeardOnTheNioLoop = new CopyOnWriteArrayList<>();
    a.probe((stage, id, nanos) -> {
      if (stage == RedisSourceHealth.Stage.HEARD) {
        aHeardOnItsLoop.add(epoll.next().inEventLoop());
      }
    });
    b.probe((stage, id, nanos) -> {
      if (stage == RedisSourceHealth.Stage.HEARD) {
        bHeardOnTheNioLoop.add(nio.next().inEventLoop());
      }
    });
    EgressSource ip1 = proxied("ip-1", threshold(3, Duration.ofMinutes(1)));

    for (int i = 0; i < 2; i++) {
      epoll.submit(() -> a.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE)).get();
    }
    b.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);

    Await.until(() -> a.suspendedUntil("ip-1").isPresent() && b.suspendedUntil("ip-1")
        .isPresent(), WAIT, "the third failure, on the other node, suspends ip-1 on both");
    Await.until(() -> aHeardOnItsLoop.size() == 3 && bHeardOnTheNioLoop.size() == 3, WAIT,
        "both nodes hear the three tallies");
    assertThat(aHeardOnItsLoop).containsOnly(true);
    assertThat(bHeardOnTheNioLoop).containsOnly(false);

    a.close();
    b.close();
    assertThat(epoll.isShuttingDown()).isFalse();
    assertThat(epoll.submit(() -> 42).get()).isEqualTo(42);
  }

  /**
   * The facade with shared health runs its Redis client on its connectors' event loops: the
   * failure of a connect through a dead proxy goes to Redis and its tally is heard on the
   * thread where attempts run ({@code egress-io}), not on a thread of Redis's own.
   */
  @Test
  void theFacadeHearsTheFleetOnItsConnectorsThreads() throws Exception {
    RedisServer server = redis();
    int closed = RedisServer.freePort();
    Path policy = dir.resolve("policy.lua");
    java.nio.file.Files.writeString(policy, """
        kumo.on('get_egress_source', function(name)
          return kumo.make_egress_source { name = name,
            socks5_proxy_server = '127.0.0.1:CLOSED',
            suspend_when_proxy_unhealthy = { trigger = { Threshold = '3/1m' }, duration = '5m' } }
        end)
        """.replace("CLOSED", Integer.toString(closed)));
    try (dev.egresskit.embed.EgressKit kit = dev.egresskit.embed.EgressKit.builder()
        .policy(policy).eventLoopThreads(1).sharedHealth(server.url()).build()) {
      RedisSourceHealth health = (RedisSourceHealth) kit.health();
      assertThat(health.joined()).isTrue();
      List<String> heardOn = new CopyOnWriteArrayList<>();
      health.probe((stage, id, nanos) -> {
        if (stage == RedisSourceHealth.Stage.HEARD) {
          heardOn.add(Thread.currentThread().getName());
        }
      });

      assertThatThrownBy(() -> kit.openSocket("down", "127.0.0.1", 25, WAIT))
          .hasMessageContaining("127.0.0.1:" + closed);

      Await.until(() -> !heardOn.isEmpty(), WAIT, "the failure's tally is heard");
      assertThat(heardOn).allSatisfy(thread -> assertThat(thread).startsWith("egress-io"));
      assertThat(windowSize(inspect(server), "down")).isEqualTo(1);
    }
  }

  private RedisSourceHealth lentNode(String id, String url, io.netty.channel.EventLoopGroup loops) {
    RedisSourceHealth node = RedisSourceHealth.start(FleetHealthSettings.of(url).withNodeId(id)
        .withHeartbeat(Duration.ofMillis(100)), clock, new SimpleMeterRegistry(), loops);
    open.add(node);
    return node;
  }

  @Test
  void failuresOlderThanThePeriodDoNotCountFleetWide() {
    RedisServer server = redis();
    RedisSourceHealth a = node("a", server.url());
    RedisSourceHealth b = node("b", server.url());
    EgressSource ip1 = proxied("ip-1", threshold(3, Duration.ofSeconds(30)));
    var redis = inspect(server);
    a.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);
    a.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);
    Await.until(() -> windowSize(redis, "ip-1") == 2, WAIT, "two failures counted");

    clock.advance(Duration.ofSeconds(30)); // the first two leave the 30 x 1 s window
    b.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);

    Await.until(() -> windowSize(redis, "ip-1") == 1, WAIT, "old buckets pruned by the script");
    assertThat(a.suspendedUntil("ip-1")).isEmpty();
    assertThat(b.suspendedUntil("ip-1")).isEmpty();

    clock.advance(Duration.ofSeconds(29));
    a.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);
    b.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);
    Await.until(() -> a.suspendedUntil("ip-1").isPresent() && b.suspendedUntil("ip-1").isPresent(),
        WAIT, "three failures within 30 s suspend on both nodes");
  }

  @Test
  void anImmediateSuspensionIsAnnouncedToEveryNodeWithTheAdoptionCounted() {
    RedisServer server = redis();
    RedisSourceHealth a = node("a", server.url());
    SimpleMeterRegistry bMeters = new SimpleMeterRegistry();
    RedisSourceHealth b = node("b", server.url(), bMeters);
    List<String> heardByB = new CopyOnWriteArrayList<>();
    b.addListener((s, origin) -> heardByB.add(s.source() + " from " + origin));
    EgressSource unplumbed = new EgressSource("v6", Optional.empty(), OptionalInt.empty(),
        Duration.ofMinutes(1), new HealthRules(
            Optional.of(new SuspendOnFailure(Trigger.Immediate.INSTANCE, SUSPENSION)),
            Optional.empty()), new Route.Direct(Optional.empty()));

    a.recordFailure(unplumbed, FailureKind.SOURCE_UNPLUMBED);

    assertThat(a.suspendedUntil("v6")).as("decided locally, before any Redis reply").isPresent();
    Await.until(() -> !heardByB.isEmpty(), WAIT, "b hears of v6");
    assertThat(heardByB).containsExactly("v6 from a");
    assertThat(b.suspendedUntil("v6")).isEqualTo(a.suspendedUntil("v6"));
    assertThat(bMeters.get("egresskit_fleet_suspensions_adopted_total").tag("source", "v6")
        .tag("reason", HealthEvent.Unplumbed.name()).counter().count()).isEqualTo(1);
    assertThat(bMeters.get("egress_source_health_suspended").tag("source", "v6")
        .tag("reason", HealthEvent.Unplumbed.name()).gauge().value()).isEqualTo(1);
  }

  @Test
  void aNodeStartingLaterReadsTheActiveSuspensions() {
    RedisServer server = redis();
    RedisSourceHealth a = node("a", server.url());
    EgressSource ip1 = proxied("ip-1", threshold(1, Duration.ofMinutes(1)));
    a.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);
    var redis = inspect(server);
    Await.until(() -> redis.sync().exists("egresskit:health:{ip-1}:suspended") == 1, WAIT,
        "the suspension stored");

    RedisSourceHealth late = node("late", server.url());

    assertThat(late.suspendedUntil("ip-1")).isEqualTo(a.suspendedUntil("ip-1"));
  }

  @Test
  void redisDownAtStartIsALocalFallbackThatJoinsAndReannouncesWhenRedisAppears() {
    int port = RedisServer.freePort();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RedisSourceHealth a = node("a", "redis://127.0.0.1:" + port, meters);
    assertThat(a.joined()).isFalse();
    assertThat(meters.get("egresskit_fleet_fallbacks_total").counter().count()).isEqualTo(1);
    EgressSource ip1 = proxied("ip-1", threshold(2, Duration.ofMinutes(1)));

    a.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);
    a.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);
    assertThat(a.suspendedUntil("ip-1")).as("local health still suspends").isPresent();

    RedisServer server = RedisServer.startOn(dir.resolve("late-redis"), port);
    open.add(server);
    Await.until(a::joined, WAIT, "a joins once Redis is up");
    RedisSourceHealth b = node("b", server.url());
    Await.until(() -> b.suspendedUntil("ip-1").isPresent(), WAIT,
        "a's own suspension, decided while Redis was away, reaches b");
    assertThat(b.suspendedUntil("ip-1")).isEqualTo(a.suspendedUntil("ip-1"));
    assertThat(meters.get("egresskit_fleet_redis_connected").gauge().value()).isEqualTo(1);
  }

  @Test
  void redisKilledMidRunLosesNothingWhenItComesBackEmpty() {
    RedisServer server = redis();
    SimpleMeterRegistry aMeters = new SimpleMeterRegistry();
    RedisSourceHealth a = node("a", server.url(), aMeters);
    RedisSourceHealth b = node("b", server.url());
    EgressSource ip1 = proxied("ip-1", threshold(3, Duration.ofMinutes(1)));
    EgressSource ip2 = proxied("ip-2", threshold(1, Duration.ofMinutes(1)));

    server.kill();
    Await.until(() -> !a.joined() && !b.joined(), WAIT, "both nodes notice");
    a.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE); // kept, to be counted later
    a.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);
    a.recordFailure(ip2, FailureKind.PROXY_UNREACHABLE); // suspends ip-2 locally
    assertThat(a.suspendedUntil("ip-2")).isPresent();
    assertThat(b.suspendedUntil("ip-2")).isEmpty();
    // The failures are handed to a's own thread, which keeps them while Redis is away.
    Await.until(() -> aMeters.get("egresskit_fleet_pending_failures").gauge().value() == 3, WAIT,
        "the three failures kept for replay");

    server.restart(); // empty: no windows, no suspensions
    Await.until(() -> a.joined() && b.joined(), WAIT, "both rejoin");
    Await.until(() -> b.suspendedUntil("ip-2").isPresent(), WAIT,
        "a re-announces its own suspension of ip-2");
    var redis = inspect(server);
    Await.until(() -> windowSize(redis, "ip-1") == 2, WAIT, "a's two kept failures replayed");

    b.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);
    Await.until(() -> a.suspendedUntil("ip-1").isPresent() && b.suspendedUntil("ip-1").isPresent(),
        WAIT, "the replayed failures count toward the fleet's threshold");
    assertThat(aMeters.get("egresskit_fleet_fallbacks_total").counter().count()).isEqualTo(1);
    Await.until(() -> aMeters.get("egresskit_fleet_pending_failures").gauge().value() == 0, WAIT,
        "nothing left to replay");
  }

  @Test
  void aPausedRedisNeverBlocksTheCallerAndItsFailuresCountOnceWhenItAnswersAgain() {
    RedisServer server = redis();
    SimpleMeterRegistry aMeters = new SimpleMeterRegistry();
    RedisSourceHealth a = node("a", server.url(), aMeters);
    RedisSourceHealth b = node("b", server.url());
    EgressSource ip1 = proxied("ip-1", threshold(3, Duration.ofMinutes(1)));

    server.pause();
    long slowest = 0;
    for (int i = 0; i < 2; i++) {
      long start = System.nanoTime();
      a.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);
      a.suspendedUntil("ip-1");
      slowest = Math.max(slowest, System.nanoTime() - start);
    }
    assertThat(Duration.ofNanos(slowest)).as("the caller never waits on Redis")
        .isLessThan(FleetHealthSettings.of(server.url()).bound());
    Await.until(() -> !a.joined(), WAIT, "the heartbeat times out: local fallback");
    Await.until(() -> aMeters.get("egresskit_fleet_publish_failures_total").counter().count() >= 1,
        WAIT, "the writes that timed out are counted");

    server.resume();
    Await.until(a::joined, WAIT, "a rejoins");
    var redis = inspect(server);
    Await.until(() -> windowSize(redis, "ip-1") == 2, WAIT,
        "each timed-out failure counted exactly once after the replay");
    b.recordFailure(ip1, FailureKind.PROXY_UNREACHABLE);
    Await.until(() -> a.suspendedUntil("ip-1").isPresent(), WAIT, "the third failure trips");
  }

  @Test
  void aWrongPasswordFailsAtStartNamingTheUrlWithoutThePassword() {
    RedisServer server = redis("--requirepass", "right-one");
    String url = "redis://:wrong-one@127.0.0.1:" + server.port();

    assertThatThrownBy(() -> node("a", url))
        .isInstanceOf(FleetHealthException.class)
        .hasMessageContaining("redis://:***@127.0.0.1:" + server.port())
        .hasMessageContaining("WRONGPASS")
        .hasMessageNotContaining("wrong-one");
  }

  @Test
  void aMissingPasswordFailsAtStart() {
    RedisServer server = redis("--requirepass", "right-one");

    assertThatThrownBy(() -> node("a", server.url()))
        .isInstanceOf(FleetHealthException.class)
        .hasMessageContaining("NOAUTH");
  }

  @Test
  void aDatabaseThatDoesNotExistFailsAtStart() {
    RedisServer server = redis();

    assertThatThrownBy(() -> node("a", server.url() + "/99"))
        .isInstanceOf(FleetHealthException.class)
        .hasMessageContaining(server.url() + "/99")
        .hasMessageContaining("DB index is out of range");
  }

  @Test
  void tlsAgainstAPlainRedisFailsAtStart() {
    RedisServer server = redis();

    assertThatThrownBy(() -> node("a", "rediss://127.0.0.1:" + server.port()))
        .isInstanceOf(FleetHealthException.class)
        .hasMessageContaining("rediss://127.0.0.1:" + server.port())
        .hasMessageContaining("use redis://");
  }

  @Test
  void plainRedisAgainstATlsOnlyRedisFailsAtStart() {
    var certificate = dev.egresskit.testkit.tls.TestCertificate.generate(dir);
    Path cert = dir.resolve("redis-cert.pem");
    Path key = dir.resolve("redis-key.pem");
    certificate.writePem(cert, key);
    RedisServer server = RedisServer.startTls(dir.resolve("tls-redis"), cert, key);
    open.add(server);

    assertThatThrownBy(() -> node("a", server.url()))
        .isInstanceOf(FleetHealthException.class)
        .hasMessageContaining(server.url())
        .hasMessageContaining("redis:// vs rediss://");
  }
}
