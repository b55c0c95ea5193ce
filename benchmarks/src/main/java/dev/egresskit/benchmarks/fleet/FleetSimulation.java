package dev.egresskit.benchmarks.fleet;

import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.core.health.SourceHealthTracker;
import dev.egresskit.core.policy.PolicyEngines;
import dev.egresskit.core.policy.PolicySettings;
import dev.egresskit.fleet.FleetHealthSettings;
import dev.egresskit.fleet.RedisSourceHealth;
import dev.egresskit.proxy.Socks5ProxyServer;
import dev.egresskit.sink.SmtpSink;
import dev.egresskit.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * {@code benchmarks/fleet}: eight nodes send through our SOCKS5 proxy, which dies mid-run. Each
 * node has its own policy engine, resolver, connector and source health, one attempt in flight,
 * and the policy says {@code suspend_when_proxy_unhealthy = { Threshold = '3/1m' }}. Three
 * modes, the first two interleaved round by round:
 *
 * <ul>
 *   <li>{@code local}: each node's own per-process health (today's behaviour);</li>
 *   <li>{@code shared}: health shared through a real {@code redis-server};</li>
 *   <li>{@code shared, Redis killed}: Redis is killed half way through the run, the proxy dies
 *       while it is down, then Redis is restarted empty: every node must rejoin, and the
 *       failures and suspensions of the outage must all reach Redis.</li>
 * </ul>
 *
 * <p>Reported per mode (medians over rounds): failing attempts fleet-wide after the proxy died
 * until every node has suspended the source, the time from the first node's suspension (the
 * threshold tripping) to the last node's, the slowest connect attempt and the slowest call into
 * health on the connect path.
 *
 * <p>Arguments: {@code [--nodes 8] [--rounds 5] [--threshold 3] [--gap 0ms] [--warm 400ms]
 * [--out FILE.md]}.
 */
public final class FleetSimulation {
  /** Lettuce logs through java.util.logging here: its reconnect chatter is expected noise. */
  private static final java.util.logging.Logger LETTUCE_LOG =
      java.util.logging.Logger.getLogger("io.lettuce");

  private FleetSimulation() {}

  /** One round's figures. */
  record Round(String mode, long failing, double spreadMs, long suspendedNodes, double maxAttemptMs,
      double maxHealthCallUs, String check) {}

  public static void main(String[] args) throws Exception {
    LETTUCE_LOG.setLevel(java.util.logging.Level.SEVERE);
    int nodes = 8;
    int rounds = 5;
    int threshold = 3;
    Duration gap = Duration.ZERO;
    Duration warm = Duration.ofMillis(400);
    Path out = null;
    for (int i = 0; i < args.length; i += 2) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--nodes" -> nodes = Integer.parseInt(value);
        case "--rounds" -> rounds = Integer.parseInt(value);
        case "--threshold" -> threshold = Integer.parseInt(value);
        case "--gap" -> gap = Duration.ofMillis(Long.parseLong(value.replace("ms", "")));
        case "--warm" -> warm = Duration.ofMillis(Long.parseLong(value.replace("ms", "")));
        case "--out" -> out = Path.of(value);
        default -> {
          System.err.println("usage: FleetSimulation [--nodes 8] [--rounds 5] [--threshold 3]"
              + " [--gap 0ms] [--warm 400ms] [--out FILE.md]");
          System.exit(2);
        }
      }
    }
    Path dir = Files.createTempDirectory("egresskit-fleet-sim-");
    List<Round> results = new ArrayList<>();
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    try (SmtpSink sink = SmtpSink.builder().build().start();
         RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
      for (int r = 1; r <= rounds; r++) {
        results.add(round("local", r, nodes, threshold, gap, warm, sink, redis, dir));
        results.add(round("shared", r, nodes, threshold, gap, warm, sink, redis, dir));
      }
      for (int r = 1; r <= rounds; r++) {
        results.add(round("shared, Redis killed", r, nodes, threshold, gap, warm, sink, redis,
            dir));
      }
    }
    String report = report(results, nodes, threshold, gap, rounds, load);
    System.out.print(report);
    if (out != null) {
      Files.writeString(out, report, StandardCharsets.UTF_8);
    }
  }

  private static Round round(String mode, int round, int count, int threshold, Duration gap,
      Duration warm, SmtpSink sink, RedisServer redis, Path dir) throws Exception {
    boolean shared = mode.startsWith("shared");
    boolean killRedis = mode.contains("killed");
    String prefix = "sim:" + mode.replaceAll("[^a-z]", "") + ":" + round + ":";
    Socks5ProxyServer proxy = Socks5ProxyServer.builder()
        .listen(new java.net.InetSocketAddress("127.0.0.1", 0)).build().start();
    Path policy = policy(dir, proxy.address(), threshold);
    List<SimNode> nodes = new ArrayList<>();
    List<SimpleMeterRegistry> meters = new ArrayList<>();
    try {
      for (int i = 1; i <= count; i++) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        meters.add(registry);
        SourceHealth health = shared
            ? RedisSourceHealth.start(FleetHealthSettings.of(redis.url()).withKeyPrefix(prefix)
                .withNodeId("node-" + i).withHeartbeat(Duration.ofMillis(200)),
                Clock.systemUTC(), registry)
            : SourceHealthTracker.create(Clock.systemUTC(), registry);
        nodes.add(new SimNode("node-" + i, PolicyEngines.load(policy,
            new PolicySettings(1, Duration.ofSeconds(5))), health, sink.address(), gap));
      }
      nodes.forEach(SimNode::start);
      Thread.sleep(warm.toMillis() / 2);
      if (killRedis) {
        redis.kill();
      }
      Thread.sleep(warm.toMillis() / 2);
      long died = System.nanoTime();
      nodes.forEach(n -> n.proxyDied(died));
      proxy.close();
      long suspended = 0;
      for (SimNode node : nodes) {
        if (node.awaitEnd(Duration.ofSeconds(20))) {
          suspended++;
        }
      }
      long failing = nodes.stream().mapToLong(SimNode::countedFailures).sum();
      if (System.getenv("FLEET_SIM_TRACE") != null) {
        for (SimNode n : nodes) {
          System.err.printf(Locale.ROOT, "%s %s failures at %s ms, suspended at %.2f ms%n", mode,
              n.name(), n.failureTimes.stream().map(t -> String.format(Locale.ROOT, "%.2f", t / 1e6))
                  .toList(), (n.suspendedAt() - died) / 1e6);
        }
      }
      long first = nodes.stream().mapToLong(SimNode::suspendedAt).filter(t -> t != 0).min()
          .orElse(0);
      long last = nodes.stream().mapToLong(SimNode::suspendedAt).max().orElse(0);
      String check = "-";
      if (killRedis) {
        check = afterRestart(redis, nodes, meters, prefix, failing);
      }
      return new Round(mode, failing, (last - first) / 1e6, suspended,
          nodes.stream().mapToLong(SimNode::maxAttemptNanos).max().orElse(0) / 1e6,
          nodes.stream().mapToLong(SimNode::maxRecordNanos).max().orElse(0) / 1e3, check);
    } finally {
      nodes.forEach(SimNode::close);
      proxy.close();
    }
  }

  /** Restarts Redis empty and checks that every node rejoined and nothing was lost. */
  private static String afterRestart(RedisServer redis, List<SimNode> nodes,
      List<SimpleMeterRegistry> meters, String prefix, long failing) throws Exception {
    redis.restart();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      boolean rejoined = nodes.stream().allMatch(SimNode::joined);
      boolean drained = meters.stream().allMatch(m ->
          m.get("egresskit_fleet_pending_failures").gauge().value() == 0);
      if (rejoined && drained) {
        break;
      }
      Thread.sleep(20);
    }
    RedisClient client = RedisClient.create(redis.url());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      boolean stored = c.sync().exists(prefix + "{ip-1}:suspended") == 1;
      List<String> windows = c.sync().keys(prefix + "{ip-1}:window:*");
      long counted = windows.isEmpty() ? 0 : c.sync().zcard(windows.get(0));
      long dropped = (long) meters.stream().mapToDouble(m ->
          m.get("egresskit_fleet_dropped_failures_total").counter().count()).sum();
      boolean rejoined = nodes.stream().allMatch(SimNode::joined);
      return (rejoined ? "all rejoined" : "NOT all rejoined") + ", suspension "
          + (stored ? "re-announced" : "MISSING") + ", " + counted + "/" + failing
          + " failures in the shared window, " + dropped + " dropped";
    } finally {
      client.shutdown();
    }
  }

  private static Path policy(Path dir, java.net.InetSocketAddress proxy, int threshold) {
    Path file = dir.resolve("policy-" + proxy.getPort() + ".lua");
    String text = """
        kumo.on('get_egress_source', function(name)
          return kumo.make_egress_source {
            name = name,
            socks5_proxy_server = '%s',
            suspend_when_proxy_unhealthy = { trigger = { Threshold = '%d/1m' }, duration = '5m' },
          }
        end)
        """.formatted("127.0.0.1:" + proxy.getPort(), threshold);
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private static String report(List<Round> results, int nodes, int threshold, Duration gap,
      int rounds, String load) {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "Fleet simulation: %d nodes, one attempt in flight"
        + " each (gap %d ms), Threshold %d/1m, %d rounds; local and shared interleaved."
        + " Load average at start: %s%n%n", nodes, gap.toMillis(), threshold, rounds, load));
    text.append("| mode | failing attempts before every node suspended (median, min-max) |"
        + " first to last node suspended, ms (median, max) | nodes suspended |"
        + " slowest attempt, ms | slowest health call on the connect path, µs | after Redis"
        + " returned |\n|---|---|---|---|---|---|---|\n");
    for (String mode : List.of("local", "shared", "shared, Redis killed")) {
      List<Round> of = results.stream().filter(r -> r.mode().equals(mode)).toList();
      if (of.isEmpty()) {
        continue;
      }
      text.append(String.format(Locale.ROOT, "| %s | %.0f (%d-%d) | %.1f (%.1f) | %d/%d | %.1f |"
              + " %.0f | %s |%n", mode, median(of, r -> r.failing()),
          of.stream().mapToLong(Round::failing).min().orElse(0),
          of.stream().mapToLong(Round::failing).max().orElse(0),
          median(of, Round::spreadMs), of.stream().mapToDouble(Round::spreadMs).max().orElse(0),
          of.stream().mapToLong(Round::suspendedNodes).min().orElse(0), nodes,
          of.stream().mapToDouble(Round::maxAttemptMs).max().orElse(0),
          of.stream().mapToDouble(Round::maxHealthCallUs).max().orElse(0),
          of.stream().map(Round::check).distinct().reduce((a, b) -> a + "; " + b).orElse("-")));
    }
    text.append(String.format(Locale.ROOT, "%nTargets: shared <= threshold + nodes = %d failing"
        + " attempts (local about threshold x nodes = %d); first to last <= 100 ms.%n",
        threshold + nodes, threshold * nodes));
    text.append("\nPer round:\n");
    for (Round r : results) {
      text.append(String.format(Locale.ROOT, "  %-22s failing %3d, spread %7.2f ms, slowest"
          + " attempt %6.1f ms, slowest health call %6.0f µs %s%n", r.mode(), r.failing(),
          r.spreadMs(), r.maxAttemptMs(), r.maxHealthCallUs(),
          r.check().equals("-") ? "" : "(" + r.check() + ")"));
    }
    return text.toString();
  }

  private static double median(List<Round> rounds, ToDoubleFunction<Round> f) {
    double[] values = rounds.stream().mapToDouble(f).sorted().toArray();
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }
}
