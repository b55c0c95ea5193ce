package dev.egresskit.fleet;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node is joined to the fleet's Redis or running on its local health alone: the
 * state, its meters and its logs. {@link #up()} and {@link #down} say whether the state changed,
 * so the caller knows when to resynchronise.
 */
final class Link {
  private static final Logger LOG = LoggerFactory.getLogger(RedisSourceHealth.class);

  static final String CONNECTED = "egresskit_fleet_redis_connected";
  static final String FALLBACKS = "egresskit_fleet_fallbacks_total";

  enum State { STARTING, JOINED, FALLBACK }

  private final Clock clock;
  private final String url;
  private final Counter fallbacks;
  private State state = State.STARTING;
  private Instant since;
  private String lastProblem = "";

  Link(Clock clock, MeterRegistry registry, String redactedUrl) {
    this.clock = clock;
    this.url = redactedUrl;
    this.since = clock.instant();
    Gauge.builder(CONNECTED, this, link -> link.joined() ? 1 : 0)
        .description("1 while this node shares source health through Redis, 0 on local fallback")
        .register(registry);
    this.fallbacks = Counter.builder(FALLBACKS)
        .description("times this node lost Redis and fell back to its local source health")
        .register(registry);
  }

  synchronized boolean joined() {
    return state == State.JOINED;
  }

  synchronized State state() {
    return state;
  }

  /** Redis answered. True if this node was not joined before (it should resynchronise). */
  synchronized boolean up() {
    if (state == State.JOINED) {
      return false;
    }
    Instant now = clock.instant();
    if (state == State.FALLBACK) {
      LOG.atInfo().addKeyValue("redis", url)
          .addKeyValue("after", Duration.between(since, now))
          .log("shared source health rejoined");
    } else {
      LOG.atInfo().addKeyValue("redis", url).log("shared source health joined");
    }
    state = State.JOINED;
    since = now;
    lastProblem = "";
    return true;
  }

  /**
   * Redis failed (unreachable, closed, too slow). True if this moved the node to its local
   * fallback now; a repeated problem while on fallback is logged once.
   */
  synchronized boolean down(String problem) {
    if (state == State.FALLBACK) {
      if (!problem.equals(lastProblem)) {
        LOG.atDebug().addKeyValue("redis", url).addKeyValue("problem", problem)
            .log("shared source health still on local fallback");
        lastProblem = problem;
      }
      return false;
    }
    state = State.FALLBACK;
    since = clock.instant();
    lastProblem = problem;
    fallbacks.increment();
    LOG.atWarn().addKeyValue("redis", url).addKeyValue("problem", problem)
        .log("shared source health unavailable, using local health");
    return true;
  }
}
