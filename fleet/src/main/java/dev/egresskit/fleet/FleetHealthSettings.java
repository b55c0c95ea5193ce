package dev.egresskit.fleet;

import dev.egresskit.core.text.UrlCredentials;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * How a node reaches the fleet's shared health.
 *
 * @param url            {@code redis://[[user]:password@]host[:port][/database]} or {@code
 *                       rediss://...} (TLS); Lettuce's query options ({@code ?timeout=...}) apply
 * @param keyPrefix      the prefix of every key and channel (default {@code egresskit:health:});
 *                       letters, digits and {@code : _ . -} only
 * @param nodeId         this node's name in announcements and logs (default {@code host:pid:n})
 * @param bound          the longest any Redis command may take (default 250 ms); a slower one
 *                       counts as a Redis failure. The connect path never waits on Redis at all
 * @param connectTimeout the longest the start-up connection may take (default 2 s)
 * @param heartbeat      how often the link is checked, and a lost Redis retried (default 1 s)
 * @param maxInFlight    writes to Redis outstanding at once (default 256); more are kept as
 *                       pending failures and sent when there is room
 * @param pendingCapacity failures kept while Redis is away, replayed when it returns (default
 *                       10,000); more are dropped and counted
 */
public record FleetHealthSettings(
    String url,
    String keyPrefix,
    String nodeId,
    Duration bound,
    Duration connectTimeout,
    Duration heartbeat,
    int maxInFlight,
    int pendingCapacity) {

  /** The default key prefix. */
  public static final String DEFAULT_PREFIX = "egresskit:health:";

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9:_.\\-]+");
  private static final Pattern NODE = Pattern.compile("\\S{1,200}");
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** Checks every value; errors name the URL without its password. */
  public FleetHealthSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    Objects.requireNonNull(nodeId, "nodeId");
    String shown = UrlCredentials.redact(url);
    URI parsed;
    try {
      parsed = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("shared health URL " + shown
          + ": not a URL (expected redis://[[user]:password@]host[:port][/database]"
          + " or rediss://...)", e);
    }
    if (!"redis".equals(parsed.getScheme()) && !"rediss".equals(parsed.getScheme())) {
      throw new IllegalArgumentException("shared health URL " + shown
          + ": unsupported scheme (expected redis:// or rediss://)");
    }
    if (parsed.getHost() == null) {
      throw new IllegalArgumentException("shared health URL " + shown + ": no host");
    }
    if (!PREFIX.matcher(keyPrefix).matches()) {
      throw new IllegalArgumentException("shared health key prefix '" + keyPrefix
          + "': letters, digits and : _ . - only");
    }
    if (!NODE.matcher(nodeId).matches()) {
      throw new IllegalArgumentException("shared health node id '" + nodeId
          + "': 1 to 200 characters, no white space");
    }
    positive(bound, "bound");
    positive(connectTimeout, "connectTimeout");
    positive(heartbeat, "heartbeat");
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
    }
    if (pendingCapacity < 0) {
      throw new IllegalArgumentException("pendingCapacity must be >= 0: " + pendingCapacity);
    }
  }

  /** The defaults for {@code url}: a fresh node id, 250 ms bound, 2 s connect, 1 s heartbeat. */
  public static FleetHealthSettings of(String url) {
    return new FleetHealthSettings(url, DEFAULT_PREFIX, defaultNodeId(),
        Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofSeconds(1), 256, 10_000);
  }

  /** These settings with another key prefix (e.g. one per fleet on a shared Redis). */
  public FleetHealthSettings withKeyPrefix(String prefix) {
    return new FleetHealthSettings(url, prefix, nodeId, bound, connectTimeout, heartbeat,
        maxInFlight, pendingCapacity);
  }

  /** These settings with another node id. */
  public FleetHealthSettings withNodeId(String id) {
    return new FleetHealthSettings(url, keyPrefix, id, bound, connectTimeout, heartbeat,
        maxInFlight, pendingCapacity);
  }

  /** These settings with another bound on each Redis command. */
  public FleetHealthSettings withBound(Duration value) {
    return new FleetHealthSettings(url, keyPrefix, nodeId, value, connectTimeout, heartbeat,
        maxInFlight, pendingCapacity);
  }

  /** These settings with another heartbeat. */
  public FleetHealthSettings withHeartbeat(Duration value) {
    return new FleetHealthSettings(url, keyPrefix, nodeId, bound, connectTimeout, value,
        maxInFlight, pendingCapacity);
  }

  /** These settings with another start-up connect timeout. */
  public FleetHealthSettings withConnectTimeout(Duration value) {
    return new FleetHealthSettings(url, keyPrefix, nodeId, bound, value, heartbeat,
        maxInFlight, pendingCapacity);
  }

  /** The URL as logs and errors show it: the password, if any, replaced by {@code ***}. */
  public String redactedUrl() {
    return UrlCredentials.redact(url);
  }

  @Override
  public String toString() {
    return "FleetHealthSettings[url=" + redactedUrl() + ", keyPrefix=" + keyPrefix + ", nodeId="
        + nodeId + ", bound=" + bound + ", connectTimeout=" + connectTimeout + ", heartbeat="
        + heartbeat + ", maxInFlight=" + maxInFlight + ", pendingCapacity=" + pendingCapacity
        + "]";
  }

  private static String defaultNodeId() {
    String runtime = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
    return runtime.replaceAll("\\s", "_") + ":" + INSTANCES.incrementAndGet();
  }

  private static void positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive: " + d);
    }
  }
}
