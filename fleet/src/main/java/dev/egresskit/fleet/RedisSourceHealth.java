package dev.egresskit.fleet;

import dev.egresskit.core.health.FailureKind;
import dev.egresskit.core.health.HealthEvent;
import dev.egresskit.core.health.SourceHealth;
import dev.egresskit.core.health.SourceHealthTracker;
import dev.egresskit.core.health.SourceHealthTracker.Suspension;
import dev.egresskit.core.health.WindowShape;
import dev.egresskit.core.model.EgressSource;
import dev.egresskit.core.model.SuspendOnFailure;
import dev.egresskit.core.model.Trigger;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Source health shared by a fleet of nodes through Redis, with the semantics of the per-process
 * {@link SourceHealthTracker} (Immediate and Threshold "N/period" rules, unplumbed and
 * proxy-unhealthy classes, the same meters), fleet-wide.
 *
 * <ul>
 *   <li><b>The connect path reads a local copy.</b> {@link #suspendedUntil} is the local
 *       tracker's answer: no Redis round trip, ever.</li>
 *   <li><b>Failures count fleet-wide.</b> {@link #recordFailure} applies the failure to the
 *       local tracker first (so this node alone still suspends as it would without a fleet),
 *       then, on the calling thread and without waiting (one non-blocking Lettuce write, no hop
 *       to another thread), runs one atomic script on Redis that adds the failure to the shared
 *       window of its source and class (same bucket layout as the local window, {@link
 *       WindowShape}), publishes the window's new sum ({@link Tally}) and, when the window holds
 *       the rule's limit, stores the suspension with its end and publishes it.</li>
 *   <li><b>Every node is told at once.</b> Each node subscribes to the suspension and tally
 *       channels and adopts what it hears into its local copy on Lettuce's I/O thread; ends only
 *       move later, so every order of announcements converges. A node that has heard its
 *       window's sum one short of the limit suspends at its own next failure there, on the
 *       connect thread, without waiting for Redis's answer.</li>
 *   <li><b>Redis faults lose nothing.</b> Writes are fire-and-forget, at most {@code
 *       maxInFlight} at once, each bounded by {@code bound}. While Redis is away the node runs on
 *       its local health (it is always counting locally), keeps the failures it could not share
 *       (bounded), and when Redis returns it reads the fleet's active suspensions, re-announces
 *       its own and replays the kept failures (each counts once, by id).</li>
 *   <li><b>Misconfiguration fails at start</b>: a wrong password, database or TLS setting is a
 *       {@link FleetHealthException} from {@link #start}; an unreachable Redis is not (the node
 *       starts on local fallback and joins when Redis appears).</li>
 * </ul>
 *
 * <p>Meters, besides the tracker's: {@code egresskit_fleet_redis_connected} (1 joined, 0 on
 * local fallback), {@code egresskit_fleet_fallbacks_total}, {@code
 * egresskit_fleet_publish_failures_total} (writes that failed or timed out), {@code
 * egresskit_fleet_pending_failures}, {@code egresskit_fleet_dropped_failures_total} and {@code
 * egresskit_fleet_suspensions_adopted_total{source,reason}}.
 */
public final class RedisSourceHealth implements SourceHealth, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisSourceHealth.class);
  private static final String SCRIPT = loadScript();

  static final String PUBLISH_FAILURES = "egresskit_fleet_publish_failures_total";
  static final String PENDING = "egresskit_fleet_pending_failures";
  static final String DROPPED = "egresskit_fleet_dropped_failures_total";
  static final String ADOPTED = "egresskit_fleet_suspensions_adopted_total";

  /** Told each time the local copy takes a new or later suspension. */
  @FunctionalInterface
  public interface Listener {
    /**
     * Called on the thread that applied it (a connect thread or Redis's I/O thread): keep it
     * short.
     *
     * @param suspension the suspension now in force
     * @param origin     the node that decided it ({@link #nodeId()} for this one)
     */
    void suspended(Suspension suspension, String origin);
  }

  /** Where a failure is on its way through the fleet ({@link Probe}). */
  public enum Stage {
    /** Recorded on the node where the attempt failed (before the local tracker counts it). */
    RECORDED,
    /** Handed to Lettuce for Redis, on the recording thread. */
    SENT,
    /** The script's answer reached the recording node. */
    REPLIED,
    /** Its tally reached a node (every subscribed node, the recording one included). */
    HEARD
  }

  /**
   * Diagnostics (benchmarks): told when a failure passes a {@link Stage}, on the thread that
   * saw it. Keep it to taking a timestamp.
   */
  @FunctionalInterface
  public interface Probe {
    /**
     * @param stage     where the failure is
     * @param failureId its id ({@code NODE:SEQUENCE}, the recording node's)
     * @param nanoTime  {@link System#nanoTime()} when it got there
     */
    void at(Stage stage, String failureId, long nanoTime);
  }

  private static final Probe NO_PROBE = (stage, id, nanos) -> { };

  private final FleetHealthSettings settings;
  private final Clock clock;
  private final MeterRegistry registry;
  private final SourceHealthTracker local;
  private final Keys keys;
  private final Link link;
  private final PendingFailures pending;
  private final Semaphore inFlight;
  private final Map<String, Suspension> own = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  /** The latest tally heard of each shared window, by window key. */
  private final Map<String, Tally> tallies = new ConcurrentHashMap<>();
  private volatile Probe probe = NO_PROBE;
  private final Counter publishFailures;
  private final Counter dropped;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean resyncWanted = new AtomicBoolean();
  private final AtomicBoolean connecting = new AtomicBoolean();
  private final ScheduledExecutorService scheduler;
  private final RedisConnections redis;
  private final RedisPubSubAdapter<String, String> messages;
  private final RedisConnectionStateListener states;
  private volatile boolean closed;

  private RedisSourceHealth(FleetHealthSettings settings, Clock clock, MeterRegistry registry,
      io.netty.channel.EventLoopGroup eventLoops) {
    this.settings = settings;
    this.clock = clock;
    this.registry = registry;
    this.local = SourceHealthTracker.create(clock, registry);
    this.keys = new Keys(settings.keyPrefix());
    this.link = new Link(clock, registry, settings.redactedUrl());
    this.pending = new PendingFailures(settings.pendingCapacity());
    this.inFlight = new Semaphore(settings.maxInFlight());
    this.publishFailures = Counter.builder(PUBLISH_FAILURES)
        .description("writes to the fleet's Redis that failed or timed out")
        .register(registry);
    this.dropped = Counter.builder(DROPPED)
        .description("failures not shared because the pending queue was full")
        .register(registry);
    Gauge.builder(PENDING, pending, PendingFailures::size)
        .description("failures waiting to be counted in the fleet's windows")
        .register(registry);
    this.redis = new RedisConnections(settings, eventLoops);
    this.messages = new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String message) {
        if (channel.equals(keys.tallyChannel())) {
          tallied(message);
        } else {
          heard(message);
        }
      }
    };
    this.states = new RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> connection,
          java.net.SocketAddress address) {
        resyncWanted.set(true);
        schedule(RedisSourceHealth.this::heartbeat);
      }

      @Override
      public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> connection) {
        schedule(() -> down("connection closed"));
      }
    };
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "egresskit-fleet-" + settings.nodeId());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts a node's shared health: connects to Redis within the connect timeout, subscribes,
   * and reads the fleet's active suspensions. A Redis that cannot be reached is not an error:
   * the node starts on local fallback and keeps trying every heartbeat.
   *
   * @throws FleetHealthException if Redis answers but refuses this node (password, database,
   *     TLS), or the URL is unusable; the message names the URL without its password
   */
  public static RedisSourceHealth start(FleetHealthSettings settings, Clock clock,
      MeterRegistry registry) {
    return start(settings, clock, registry, null);
  }

  /**
   * As {@link #start(FleetHealthSettings, Clock, MeterRegistry)}, with Redis's connections on
   * {@code eventLoops} (the connector's, {@code EgressConnector.eventLoops()}) rather than a
   * thread of their own, when Lettuce can use them (same transport; else its own thread). A
   * failure is then written to Redis on the thread where the attempt ended, without waking
   * another thread, and the fleet's news is read on the threads that start attempts. The loops
   * stay their owner's: closing this leaves them running.
   *
   * @param eventLoops the loops to share, or null for a thread of Redis's own
   */
  public static RedisSourceHealth start(FleetHealthSettings settings, Clock clock,
      MeterRegistry registry, io.netty.channel.EventLoopGroup eventLoops) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(registry, "registry");
    RedisSourceHealth health = new RedisSourceHealth(settings, clock, registry, eventLoops);
    try {
      health.redis.connect(health.channels(), health.messages, health.states);
      health.link.up();
      // One no-op run of the failure script: proves Redis runs scripts, and loads Lettuce's
      // script path now rather than on the first failure.
      health.redis.async().eval(SCRIPT, ScriptOutputType.MULTI, new String[] {"w", "w"}, "W")
          .toCompletableFuture().get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
      health.resync().toCompletableFuture()
          .get(settings.bound().multipliedBy(8).toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      if (RedisConnections.unreachable(e) && health.redis.plainRedisBehindTlsUrl()) {
        health.close();
        throw new FleetHealthException("shared health " + settings.redactedUrl()
            + ": the TLS handshake got no answer, and the server answers plain Redis: use"
            + " redis:// for a server without TLS", e);
      }
      if (!RedisConnections.unreachable(e)) {
        health.close();
        throw new FleetHealthException("shared health " + settings.redactedUrl()
            + ": Redis refused this node: " + RedisConnections.describe(e)
            + " (check the password, the database number and redis:// vs rediss://)", e);
      }
      health.link.down(RedisConnections.describe(e));
    } catch (java.util.concurrent.ExecutionException e) {
      if (!RedisConnections.unreachable(e.getCause())) {
        health.close();
        throw new FleetHealthException("shared health " + settings.redactedUrl()
            + ": Redis cannot run the fleet's script: " + RedisConnections.describe(e.getCause()),
            e.getCause());
      }
      health.link.down(RedisConnections.describe(e.getCause()));
    } catch (java.util.concurrent.TimeoutException e) {
      health.link.down("no answer at start within " + settings.connectTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      health.close();
      throw new IllegalStateException("interrupted while starting shared health", e);
    }
    long every = settings.heartbeat().toMillis();
    health.scheduler.scheduleWithFixedDelay(health::heartbeat, every, every,
        TimeUnit.MILLISECONDS);
    return health;
  }

  /** This node's id in announcements and logs. */
  public String nodeId() {
    return settings.nodeId();
  }

  /** Whether this node shares health through Redis now (false: on local fallback). */
  public boolean joined() {
    return link.joined();
  }

  /** The local copy: this node's view of every suspension, answered without Redis. */
  public Map<String, Suspension> suspensions() {
    return local.suspensions();
  }

  /** Sets the diagnostic probe (null: none). */
  public void probe(Probe probe) {
    this.probe = probe == null ? NO_PROBE : probe;
  }

  private String[] channels() {
    return new String[] {keys.channel(), keys.tallyChannel()};
  }

  /** Adds a listener told of every new or later suspension in the local copy. */
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public Optional<Instant> suspendedUntil(String sourceName) {
    return local.suspendedUntil(sourceName);
  }

  @Override
  public void recordFailure(EgressSource source, FailureKind kind) {
    Optional<HealthEvent> event = kind.healthEvent();
    Optional<SuspendOnFailure> rule = event.isEmpty() ? Optional.empty()
        : event.get() == HealthEvent.Unplumbed
            ? source.health().whenUnplumbed() : source.health().whenProxyUnhealthy();
    Probe p = probe;
    String id = rule.isPresent() && rule.get().trigger() instanceof Trigger.Threshold
        ? nodeId() + ':' + sequence.incrementAndGet() : null;
    if (id != null && p != NO_PROBE) {
      p.at(Stage.RECORDED, id, System.nanoTime());
    }
    Optional<Suspension> tripped = local.record(source, kind);
    tripped.ifPresent(s -> {
      own.put(s.source(), s);
      tell(s, nodeId());
    });
    if (rule.isEmpty() || closed) {
      return;
    }
    Instant now = clock.instant();
    if (id == null) {
      // Immediate: the local tracker has suspended it; tell the fleet.
      tripped.ifPresent(this::announce);
      return;
    }
    Trigger.Threshold threshold = (Trigger.Threshold) rule.get().trigger();
    WindowShape shape = WindowShape.of(threshold.period());
    boolean trippedHere = tripped.isPresent()
        || trippedByTally(source.name(), event.get(), rule.get(), shape, now);
    share(new PendingFailures.Pending(id, source.name(), event.get(), rule.get(), now), now,
        trippedHere);
  }

  /**
   * Whether the fleet's window, as last heard, reaches the limit with this failure: then this
   * node suspends now, on the connect thread, and the script stores and publishes it.
   */
  private boolean trippedByTally(String source, HealthEvent event, SuspendOnFailure rule,
      WindowShape shape, Instant now) {
    Tally heard = tallies.get(keys.window(source, event, shape));
    long limit = ((Trigger.Threshold) rule.trigger()).limit();
    if (heard == null || heard.sum() + 1 < limit
        || !heard.holdsAt(shape.bucketOf(now), shape.bucketCount())) {
      return false;
    }
    Suspension s = new Suspension(source, event, now.plus(rule.duration()));
    if (local.adopt(s, nodeId())) {
      own.merge(source, s, (x, y) -> x.until().isAfter(y.until()) ? x : y);
      tell(s, nodeId());
    }
    return true;
  }

  /**
   * Counts {@code failure} in the shared window, or keeps it for later. Called on the recording
   * thread: one non-blocking Lettuce write (rejected at once while disconnected or when its
   * queue is full), never a wait.
   */
  private void share(PendingFailures.Pending failure, Instant now, boolean trippedHere) {
    if (closed || !link.joined() || !inFlight.tryAcquire()) {
      keep(failure);
      return;
    }
    WindowShape shape = WindowShape.of(failure.threshold().period());
    Instant until = now.plus(failure.rule().duration());
    run(failure.source(), failure.event(), trippedHere ? "C" : "T", shape.bucketOf(failure.at()),
        shape.bucketOf(now), shape, failure.threshold().limit(), until, failure.id())
        .whenComplete((reply, error) -> {
          inFlight.release();
          if (probe != NO_PROBE) {
            probe.at(Stage.REPLIED, failure.id(), System.nanoTime());
          }
          if (error != null) {
            keep(failure);
            failed(error);
          } else {
            settle(reply);
          }
        });
  }

  /** Stores and publishes a suspension this node decided (if no later one is stored). */
  private void announce(Suspension suspension) {
    if (!link.joined() || !inFlight.tryAcquire()) {
      return; // re-announced on rejoin, or at the next heartbeat
    }
    WindowShape shape = WindowShape.of(java.time.Duration.ofSeconds(1));
    run(suspension.source(), suspension.reason(), "A", 0, 0, shape, 1, suspension.until(), "")
        .whenComplete((reply, error) -> {
          inFlight.release();
          if (error != null) {
            resyncWanted.set(true);
            failed(error);
          } else {
            settle(reply);
          }
        });
  }

  private CompletionStage<List<Object>> run(String source, HealthEvent event, String mode,
      long bucket, long head, WindowShape shape, long limit, Instant until, String id) {
    String[] keyNames = {keys.window(source, event, shape), keys.suspension(source)};
    long ttl = shape.span().plusSeconds(shape.bucketSeconds()).toMillis();
    try {
      CompletionStage<List<Object>> reply = redis.async().<List<Object>>eval(SCRIPT,
          ScriptOutputType.MULTI, keyNames, mode, Long.toString(bucket), Long.toString(head),
          Integer.toString(shape.bucketCount()), Long.toString(ttl), Long.toString(limit),
          Long.toString(until.toEpochMilli()), event.name(), nodeId(), keys.channel(), source, id,
          keys.tallyChannel());
      if (!id.isEmpty() && probe != NO_PROBE) {
        probe.at(Stage.SENT, id, System.nanoTime());
      }
      return reply;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e); // rejected at once: not connected, queue full
    }
  }

  /** Applies what the script says is in force for the source. */
  private void settle(List<Object> reply) {
    if (reply.size() < 2 || !(reply.get(1) instanceof String text) || text.isEmpty()) {
      return;
    }
    Announcement.parse(text).ifPresent(a -> {
      if (a.origin().equals(nodeId())) {
        own.merge(a.suspension().source(), a.suspension(),
            (x, y) -> x.until().isAfter(y.until()) ? x : y);
      }
      adopt(a);
    });
  }

  private void heard(String message) {
    Optional<Announcement> parsed = Announcement.parse(message);
    if (parsed.isEmpty()) {
      LOG.atWarn().addKeyValue("channel", keys.channel())
          .log("shared source health: ignored a message that is not a suspension");
      return;
    }
    adopt(parsed.get());
  }

  private void tallied(String message) {
    Optional<Tally> parsed = Tally.parse(message);
    if (parsed.isEmpty()) {
      LOG.atWarn().addKeyValue("channel", keys.tallyChannel())
          .log("shared source health: ignored a message that is not a failure tally");
      return;
    }
    Tally t = parsed.get();
    if (probe != NO_PROBE) {
      probe.at(Stage.HEARD, t.id(), System.nanoTime());
    }
    // Redis runs scripts one at a time and delivers in that order: the latest tally is the
    // window's latest sum.
    tallies.put(t.window(), t);
  }

  private void adopt(Announcement a) {
    if (local.adopt(a.suspension(), a.origin())) {
      if (!a.origin().equals(nodeId())) {
        Counter.builder(ADOPTED)
            .description("suspensions decided by another node and applied here")
            .tag("source", a.suspension().source()).tag("reason", a.suspension().reason().name())
            .register(registry).increment();
      }
      tell(a.suspension(), a.origin());
    }
  }

  private void tell(Suspension suspension, String origin) {
    for (Listener l : listeners) {
      try {
        l.suspended(suspension, origin);
      } catch (RuntimeException e) {
        LOG.atWarn().setCause(e).log("shared source health listener failed");
      }
    }
  }

  private void keep(PendingFailures.Pending failure) {
    if (!pending.offer(failure)) {
      dropped.increment();
    }
  }

  private void failed(Throwable error) {
    publishFailures.increment();
    Throwable cause = error instanceof java.util.concurrent.CompletionException c
        && c.getCause() != null ? c.getCause() : error;
    if (RedisConnections.unreachable(cause) || !redis.open()) {
      schedule(() -> down(RedisConnections.describe(cause)));
    } else {
      LOG.atWarn().addKeyValue("redis", settings.redactedUrl())
          .addKeyValue("problem", RedisConnections.describe(cause))
          .log("shared source health: a write to Redis failed");
    }
  }

  private void down(String problem) {
    if (!closed) {
      link.down(problem);
    }
  }

  /** Checks the link (or connects, the first time), and resynchronises after a rejoin. */
  private void heartbeat() {
    if (closed) {
      return;
    }
    Instant now = clock.instant();
    tallies.values().removeIf(t -> !t.holdsAt(now)); // keeps one per window in use
    if (!redis.made()) {
      connectInBackground();
      return;
    }
    if (!redis.open()) {
      down("connection closed");
      return;
    }
    redis.async().ping().whenComplete((pong, error) -> {
      if (error != null) {
        down(RedisConnections.describe(error));
        return;
      }
      boolean rejoined = link.up();
      if (rejoined | resyncWanted.getAndSet(false) || pending.size() > 0) {
        resync();
      }
    });
  }

  private void connectInBackground() {
    if (!connecting.compareAndSet(false, true)) {
      return;
    }
    redis.connectAsync(channels(), messages, states).whenComplete((ok, error) -> {
      connecting.set(false);
      if (error != null) {
        String problem = RedisConnections.describe(error);
        if (!RedisConnections.unreachable(error)) {
          LOG.atError().addKeyValue("redis", settings.redactedUrl())
              .addKeyValue("problem", problem)
              .log("shared source health: Redis refused this node, staying on local health");
        }
        down(problem);
        return;
      }
      link.up();
      resync();
    });
  }

  /**
   * After (re)joining: adopt the fleet's active suspensions, re-announce this node's own that
   * are still active (Redis may have restarted empty), and replay the failures kept meanwhile.
   */
  private CompletionStage<Void> resync() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    scan(ScanCursor.INITIAL, done);
    return done.thenRun(() -> {
      Instant now = clock.instant();
      own.values().removeIf(s -> !now.isBefore(s.until()));
      own.values().forEach(this::announce);
      for (PendingFailures.Pending failure : pending.drainLive(now)) {
        share(failure, now, false);
      }
    }).whenComplete((ok, error) -> {
      if (error != null) {
        resyncWanted.set(true);
        failed(error);
      }
    });
  }

  private void scan(ScanCursor cursor, CompletableFuture<Void> done) {
    try {
      redis.async().scan(cursor, ScanArgs.Builder.matches(keys.suspensionPattern()).limit(500))
          .thenCompose(page -> {
            CompletionStage<List<KeyValue<String, String>>> values = page.getKeys().isEmpty()
                ? CompletableFuture.completedFuture(List.of())
                : redis.async().mget(page.getKeys().toArray(String[]::new));
            return values.thenAccept(list -> {
              for (KeyValue<String, String> kv : list) {
                if (kv.hasValue()) {
                  Announcement.parse(kv.getValue()).ifPresent(this::adopt);
                }
              }
              if (page.isFinished()) {
                done.complete(null);
              } else {
                scan(page, done);
              }
            });
          })
          .whenComplete((ok, error) -> {
            if (error != null) {
              done.completeExceptionally(error);
            }
          });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
  }

  /** Runs {@code task} on this node's thread, unless it is closing. */
  private void schedule(Runnable task) {
    if (closed) {
      return;
    }
    try {
      scheduler.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing: the task has nothing left to do
    }
  }

  /** Stops the heartbeat and closes the Redis connections; the local copy stays readable. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.shutdownNow();
    redis.close();
  }

  @Override
  public String toString() {
    return "RedisSourceHealth[" + settings.redactedUrl() + ", node " + nodeId() + ", "
        + link.state() + "]";
  }

  private static String loadScript() {
    try (InputStream in = RedisSourceHealth.class.getResourceAsStream("failure.lua")) {
      if (in == null) {
        throw new IllegalStateException("failure.lua is missing from the fleet jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
