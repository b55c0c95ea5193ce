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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * {@code benchmarks/fleet}: eight nodes send through our SOCKS5 proxy, which dies mid-run. Each
 * node has its own policy engine, resolver, connector (one event loop) and source health, one
 * attempt in flight: its next attempt is queued on its event loop as soon as the previous one
 * ended (or {@code --gap} later), so no thread is blocked per node, and its shared health's Redis
 * connections run on that same event loop ({@code --redis-loops own}: on a Lettuce thread of
 * their own). The policy says {@code suspend_when_proxy_unhealthy = { Threshold = '3/1m' }}.
 * The proxy dies in three ways (scenarios), each run with health per node ({@code local},
 * today's behaviour) and shared through a real {@code redis-server} ({@code shared}),
 * interleaved round by round:
 *
 * <ul>
 *   <li>{@code refused}: the proxy process is killed, its host is up: every connect is refused
 *       at once (well under a millisecond on loopback);</li>
 *   <li>{@code connect times out}: the host stops answering (or its accept queue is full): each
 *       connect ends at the attempt's timeout ({@code --timeout});</li>
 *   <li>{@code accepts, never answers}: the process is stopped (SIGSTOP) or hangs with room in
 *       its accept queue: connects succeed and each attempt ends at the timeout in the SOCKS5
 *       handshake, which source health does not count (as KumoMTA): no mode suspends, and the
 *       run is bounded to a few timeouts per node.</li>
 * </ul>
 *
 * <p>Then {@code shared, Redis killed}: Redis is killed half way through, the proxy dies
 * (refused) while it is down, then Redis is restarted empty: every node must rejoin, and the
 * failures and suspensions of the outage must all reach Redis. A first warm-up round of each
 * mode (refused) is run and discarded (JIT).
 *
 * <p>Reported per scenario and mode (medians over rounds): failing attempts fleet-wide after the
 * proxy died until every node has suspended the source, the time from the first node's
 * suspension to the last node's, the slowest connect attempt and the slowest call into health
 * on the connect path; for shared health, where each failure's time went: recorded to handed to
 * Lettuce, handed to the script's answer, and recorded to its tally heard at every node.
 *
 * <p>Arguments: {@code [--nodes 8] [--rounds 5] [--threshold 3] [--gap 0ms] [--warm 400ms]
 * [--timeout 500ms] [--warmup 1] [--deaths refused,hung,stalled] [--redis-loops connector|own]
 * [--redis-priority TEXT] [--out FILE.md]} ({@code --redis-priority} only labels the report:
 * the {@code benchmarks/fleet} script's {@code --redis-rt} starts Redis at real-time priority).
 */
public final class FleetSimulation {
  /** Lettuce logs through java.util.logging here: its reconnect chatter is expected noise. */
  private static final java.util.logging.Logger LETTUCE_LOG =
      java.util.logging.Logger.getLogger("io.lettuce");

  private FleetSimulation() {}

  /** How the proxy dies. */
  enum Death {
    REFUSED("refused (process killed, host up)"),
    HUNG("connect times out (host not answering)"),
    STALLED("accepts, never answers (SIGSTOP)");

    final String title;

    Death(String title) {
      this.title = title;
    }
  }

  /** One round's figures; the lists are per failure (µs), for shared health. */
  record Round(Death death, String mode, long failing, long uncounted, double spreadMs,
      long suspendedNodes, double maxAttemptMs, double maxHealthCallUs, double maxHealthCpuUs,
      String check,
      List<Double> sendUs, List<Double> replyUs, List<Double> heardUs) {}

  /** One probe report: a failure at a stage, at a node. */
  private record Mark(RedisSourceHealth.Stage stage, String id, long nanos) {}

  public static void main(String[] args) throws Exception {
    LETTUCE_LOG.setLevel(java.util.logging.Level.SEVERE);
    int nodes = 8;
    int rounds = 5;
    int threshold = 3;
    int warmup = 1;
    Duration gap = Duration.ZERO;
    Duration warm = Duration.ofMillis(400);
    Duration timeout = Duration.ofMillis(500);
    Path out = null;
    List<Death> deaths = List.of(Death.values());
    boolean sharedLoops = true;
    String redisPriority = "normal";
    for (int i = 0; i < args.length; i += 2) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--nodes" -> nodes = Integer.parseInt(value);
        case "--rounds" -> rounds = Integer.parseInt(value);
        case "--threshold" -> threshold = Integer.parseInt(value);
        case "--warmup" -> warmup = Integer.parseInt(value);
        case "--gap" -> gap = millis(value);
        case "--warm" -> warm = millis(value);
        case "--timeout" -> timeout = millis(value);
        case "--out" -> out = Path.of(value);
        case "--redis-priority" -> redisPriority = value;
        case "--redis-loops" -> sharedLoops = switch (value) {
          case "connector" -> true;
          case "own" -> false;
          default -> throw new IllegalArgumentException("--redis-loops: connector or own, not "
              + value);
        };
        case "--deaths" -> deaths = java.util.Arrays.stream(value.split(","))
            .map(d -> Death.valueOf(d.trim().toUpperCase(Locale.ROOT))).toList();
        default -> {
          System.err.println("usage: FleetSimulation [--nodes 8] [--rounds 5] [--threshold 3]"
              + " [--gap 0ms] [--warm 400ms] [--timeout 500ms] [--warmup 1]"
              + " [--deaths refused,hung,stalled] [--redis-loops connector|own]"
              + " [--redis-priority TEXT] [--out FILE.md]");
          System.exit(2);
        }
      }
    }
    Path dir = Files.createTempDirectory("egresskit-fleet-sim-");
    List<Round> results = new ArrayList<>();
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    Settings run = new Settings(nodes, threshold, gap, warm, timeout, sharedLoops,
        redisPriority);
    try (SmtpSink sink = SmtpSink.builder().keepSessions(0).build().start();
         RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
      for (int r = 1; r <= warmup; r++) {
        round(Death.REFUSED, "local", -r, run, sink, redis, dir);
        round(Death.REFUSED, "shared", -r, run, sink, redis, dir);
      }
      for (int r = 1; r <= rounds; r++) {
        for (Death death : deaths) {
          results.add(round(death, "local", r, run, sink, redis, dir));
          results.add(round(death, "shared", r, run, sink, redis, dir));
        }
      }
      for (int r = 1; r <= rounds; r++) {
        results.add(round(Death.REFUSED, "shared, Redis killed", r, run, sink, redis, dir));
      }
    }
    String end = Files.readString(Path.of("/proc/loadavg")).trim();
    String report = report(results, run, rounds, warmup, load, end);
    System.out.print(report);
    if (out != null) {
      Files.writeString(out, report, StandardCharsets.UTF_8);
    }
  }

  private static Duration millis(String value) {
    return value.endsWith("ms") || !value.endsWith("s")
        ? Duration.ofMillis(Long.parseLong(value.replace("ms", "")))
        : Duration.ofSeconds(Long.parseLong(value.replace("s", "")));
  }

  /** What every round shares. */
  record Settings(int nodes, int threshold, Duration gap, Duration warm, Duration timeout,
      boolean sharedLoops, String redisPriority) {}

  private static Round round(Death death, String mode, int round, Settings run, SmtpSink sink,
      RedisServer redis, Path dir) throws Exception {
    boolean shared = mode.startsWith("shared");
    boolean killRedis = mode.contains("killed");
    String prefix = "sim:" + death.name().toLowerCase(Locale.ROOT) + ":"
        + mode.replaceAll("[^a-z]", "") + ":" + round + ":";
    Socks5ProxyServer proxy = Socks5ProxyServer.builder()
        .listen(new java.net.InetSocketAddress("127.0.0.1", 0)).build().start();
    ProxyGate gate = death == Death.REFUSED ? null : new ProxyGate(proxy.address());
    Path policy = policy(dir, gate == null ? proxy.address() : gate.address(), run.threshold());
    List<SimNode> nodes = new ArrayList<>();
    List<SimpleMeterRegistry> meters = new ArrayList<>();
    Queue<Mark> marks = new ConcurrentLinkedQueue<>();
    try {
      for (int i = 1; i <= run.nodes(); i++) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        meters.add(registry);
        String id = "node-" + i;
        java.util.function.Function<io.netty.channel.EventLoopGroup, SourceHealth> health =
            loops -> {
              if (!shared) {
                return SourceHealthTracker.create(Clock.systemUTC(), registry);
              }
              RedisSourceHealth fleet = RedisSourceHealth.start(FleetHealthSettings.of(
                      redis.url()).withKeyPrefix(prefix).withNodeId(id)
                      .withHeartbeat(Duration.ofMillis(200)), Clock.systemUTC(), registry,
                  run.sharedLoops() ? loops : null);
              fleet.probe((stage, failure, nanos) -> marks.add(new Mark(stage, failure, nanos)));
              return fleet;
            };
        nodes.add(new SimNode(id, PolicyEngines.load(policy,
            new PolicySettings(1, Duration.ofSeconds(5))), health, sink.address(), run.gap(),
            run.timeout()));
      }
      nodes.forEach(SimNode::start);
      Thread.sleep(run.warm().toMillis() / 2);
      if (killRedis) {
        redis.kill();
      }
      Thread.sleep(run.warm().toMillis() / 2);
      marks.clear();
      long died = System.nanoTime();
      nodes.forEach(n -> n.proxyDied(died));
      switch (death) {
        case REFUSED -> proxy.close();
        case HUNG -> gate.stopAnswering();
        case STALLED -> gate.stall();
      }
      long suspended = 0;
      if (death == Death.STALLED) {
        // Nothing counts toward health: bound the run to a few timeouts per node.
        Thread.sleep(run.timeout().multipliedBy(run.threshold() + 1).toMillis() + 500);
        nodes.forEach(SimNode::stop);
        suspended = nodes.stream().filter(n -> n.suspendedAt() != 0).count();
      } else {
        for (SimNode node : nodes) {
          if (node.awaitEnd(Duration.ofSeconds(20))) {
            suspended++;
          }
        }
      }
      long failing = nodes.stream().mapToLong(SimNode::countedFailures).sum();
      long uncounted = nodes.stream().mapToLong(SimNode::uncountedAfterDeath).sum();
      if (System.getenv("FLEET_SIM_TRACE") != null) {
        for (SimNode n : nodes) {
          System.err.printf(Locale.ROOT, "%s %s %s failures at %s ms, suspended at %.2f ms%n",
              death, mode, n.name(), n.failureTimes.stream()
                  .map(t -> String.format(Locale.ROOT, "%.2f", t / 1e6)).toList(),
              n.suspendedAt() == 0 ? Double.NaN : (n.suspendedAt() - died) / 1e6);
        }
      }
      long first = nodes.stream().mapToLong(SimNode::suspendedAt).filter(t -> t != 0).min()
          .orElse(0);
      long last = nodes.stream().mapToLong(SimNode::suspendedAt).max().orElse(0);
      String check = "-";
      if (killRedis) {
        check = afterRestart(redis, nodes, meters, prefix, failing);
      }
      List<Mark> seen = List.copyOf(marks);
      return new Round(death, mode, failing, uncounted, (last - first) / 1e6, suspended,
          nodes.stream().mapToLong(SimNode::maxAttemptNanos).max().orElse(0) / 1e6,
          nodes.stream().mapToLong(SimNode::maxRecordNanos).max().orElse(0) / 1e3,
          nodes.stream().max(java.util.Comparator.comparingLong(SimNode::maxRecordNanos))
              .map(SimNode::maxRecordCpuNanos).orElse(0L) / 1e3, check,
          between(seen, RedisSourceHealth.Stage.RECORDED, RedisSourceHealth.Stage.SENT),
          between(seen, RedisSourceHealth.Stage.SENT, RedisSourceHealth.Stage.REPLIED),
          between(seen, RedisSourceHealth.Stage.RECORDED, RedisSourceHealth.Stage.HEARD));
    } finally {
      nodes.forEach(SimNode::close);
      if (gate != null) {
        gate.close();
      }
      proxy.close();
    }
  }

  /** For every failure, µs from its {@code from} mark to each of its {@code to} marks. */
  private static List<Double> between(List<Mark> marks, RedisSourceHealth.Stage from,
      RedisSourceHealth.Stage to) {
    Map<String, Long> start = new HashMap<>();
    for (Mark m : marks) {
      if (m.stage() == from) {
        start.putIfAbsent(m.id(), m.nanos());
      }
    }
    List<Double> out = new ArrayList<>();
    for (Mark m : marks) {
      Long s = start.get(m.id());
      if (m.stage() == to && s != null) {
        out.add((m.nanos() - s) / 1e3);
      }
    }
    return out;
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
      // An empty queue means the replays were handed to Lettuce, not yet that Redis ran them:
      // give them until the deadline to land.
      long counted = 0;
      do {
        List<String> windows = c.sync().keys(prefix + "{ip-1}:window:*");
        counted = windows.isEmpty() ? 0 : c.sync().zcard(windows.get(0));
        if (counted >= failing) {
          break;
        }
        Thread.sleep(20);
      } while (System.nanoTime() < deadline);
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

  private static String report(List<Round> results, Settings run, int rounds, int warmup,
      String load, String end) {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "Fleet simulation: %d nodes in one JVM, one attempt in"
        + " flight each, each node's next attempt queued on its event loop when the previous one"
        + " ended (gap %d ms, attempt timeout %d ms), Redis connections on %s, redis-server at"
        + " %s priority, Threshold %d/1m, %d rounds after %d discarded warm-up round(s); local"
        + " and shared interleaved round by round. Load average at start: %s; at end: %s%n%n",
        run.nodes(), run.gap().toMillis(), run.timeout().toMillis(), run.sharedLoops()
            ? "the connector's event loop" : "a Lettuce thread of their own",
        run.redisPriority(), run.threshold(), rounds, warmup, load, end));
    text.append("| proxy dies | mode | failing attempts before every node suspended (median,"
        + " min-max) | uncounted timeouts (median) | first to last node suspended, ms (median,"
        + " max) | nodes suspended (min) | slowest attempt, ms | slowest health call on the"
        + " connect path, µs (its thread's CPU in it) | after Redis returned |\n"
        + "|---|---|---|---|---|---|---|---|---|\n");
    for (Death death : Death.values()) {
      for (String mode : List.of("local", "shared", "shared, Redis killed")) {
        List<Round> of = results.stream()
            .filter(r -> r.death() == death && r.mode().equals(mode)).toList();
        if (of.isEmpty()) {
          continue;
        }
        text.append(String.format(Locale.ROOT, "| %s | %s | %.0f (%d-%d) | %.0f | %.1f (%.1f) |"
                + " %d/%d | %.1f | %.0f (%.0f) | %s |%n", death.title, mode,
            median(of, Round::failing),
            of.stream().mapToLong(Round::failing).min().orElse(0),
            of.stream().mapToLong(Round::failing).max().orElse(0),
            median(of, Round::uncounted),
            median(of, Round::spreadMs), of.stream().mapToDouble(Round::spreadMs).max().orElse(0),
            of.stream().mapToLong(Round::suspendedNodes).min().orElse(0), run.nodes(),
            of.stream().mapToDouble(Round::maxAttemptMs).max().orElse(0),
            of.stream().mapToDouble(Round::maxHealthCallUs).max().orElse(0),
            of.stream().max(java.util.Comparator.comparingDouble(Round::maxHealthCallUs))
                .map(Round::maxHealthCpuUs).orElse(0.0),
            of.stream().map(Round::check).distinct().reduce((a, b) -> a + "; " + b)
                .orElse("-")));
      }
    }
    text.append(String.format(Locale.ROOT, "%nTargets: shared <= threshold + nodes = %d failing"
        + " attempts (local about threshold x nodes = %d); first to last <= 100 ms.%n",
        run.threshold() + run.nodes(), run.threshold() * run.nodes()));
    text.append("\nWhere a shared failure's time goes (µs, all rounds; median / p90 / max):\n\n"
        + "| proxy dies | recorded to handed to Lettuce | handed to the script's answer |"
        + " recorded to its tally heard, at every node |\n|---|---|---|---|\n");
    for (Death death : Death.values()) {
      List<Round> of = results.stream()
          .filter(r -> r.death() == death && r.mode().equals("shared")).toList();
      if (of.isEmpty()) {
        continue;
      }
      text.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", death.title,
          spread(of, Round::sendUs), spread(of, Round::replyUs), spread(of, Round::heardUs)));
    }
    text.append("\nPer round:\n");
    for (Round r : results) {
      text.append(String.format(Locale.ROOT, "  %-8s %-22s failing %3d, uncounted %3d, spread"
          + " %7.2f ms, slowest attempt %6.1f ms, slowest health call %6.0f µs (CPU %4.0f µs)"
          + " %s%n", r.death().name().toLowerCase(Locale.ROOT), r.mode(), r.failing(),
          r.uncounted(), r.spreadMs(), r.maxAttemptMs(), r.maxHealthCallUs(), r.maxHealthCpuUs(),
          r.check().equals("-") ? "" : "(" + r.check() + ")"));
    }
    return text.toString();
  }

  private static String spread(List<Round> rounds, Function<Round, List<Double>> f) {
    double[] v = rounds.stream().flatMap(r -> f.apply(r).stream()).mapToDouble(d -> d).sorted()
        .toArray();
    if (v.length == 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.0f / %.0f / %.0f (n=%d)", v[v.length / 2],
        v[(int) Math.min(v.length - 1, Math.ceil(v.length * 0.9) - 1)], v[v.length - 1],
        v.length);
  }

  private static double median(List<Round> rounds, ToDoubleFunction<Round> f) {
    double[] values = rounds.stream().mapToDouble(f).sorted().toArray();
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }
}
