package dev.egresskit.redispolicy;

import dev.egresskit.core.grammar.Durations;
import dev.egresskit.core.model.Secret;
import dev.egresskit.core.policy.support.KumoApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The parameters of {@code redis.open{...}}, KumoMTA's set: also the key under which connections
 * are shared (two calls with equal options use one connection). {@link #toString()} never shows
 * a password.
 *
 * @param nodes            the URLs of {@code node} (one, or a cluster's list)
 * @param cluster          whether to use a cluster client ({@code cluster}; default: whether
 *                         {@code node} is a list)
 * @param readFromReplicas read from replicas in a cluster ({@code read_from_replicas})
 * @param username         {@code username}, overriding the URLs'
 * @param password         {@code password}, overriding the URLs'
 * @param poolSize         {@code pool_size}: accepted, not used (one multiplexed connection)
 * @param connectTimeout   {@code connect_timeout}, if given
 * @param responseTimeout  {@code response_timeout}, if given
 * @param waitTimeout      {@code wait_timeout}: accepted, not used (no pool to wait for)
 * @param recycleTimeout   {@code recycle_timeout}: accepted, not used (no pool to recycle)
 */
record RedisOptions(List<RedisNode> nodes, boolean cluster, boolean readFromReplicas,
    Optional<String> username, Optional<Secret.Inline> password, Optional<Long> poolSize,
    Optional<Duration> connectTimeout, Optional<Duration> responseTimeout,
    Optional<Duration> waitTimeout, Optional<Duration> recycleTimeout) {

  /** Every option KumoMTA documents for {@code redis.open}. */
  static final Set<String> ALLOWED = Set.of("node", "cluster", "read_from_replicas", "username",
      "password", "pool_size", "connect_timeout", "response_timeout", "wait_timeout",
      "recycle_timeout");

  RedisOptions {
    nodes = List.copyOf(nodes);
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /**
   * Reads the table given to {@code redis.open}; every problem is reported at once.
   *
   * @param function the name as scripts spell it, for error texts ({@code redis.open})
   * @throws KumoApiException naming each wrong field and its allowed form
   */
  static RedisOptions parse(String function, Map<String, Object> table) {
    List<String> problems = new ArrayList<>();
    Set<String> unknown = new TreeSet<>(table.keySet());
    unknown.removeAll(ALLOWED);
    for (String key : unknown) {
      problems.add("unknown field '" + key + "' (allowed: "
          + ALLOWED.stream().sorted().collect(Collectors.joining(", ")) + ")");
    }
    List<RedisNode> nodes = new ArrayList<>();
    boolean nodeList = false;
    Object node = table.get("node");
    if (node == null) {
      problems.add("field 'node' is required: a redis URL such as 'redis://127.0.0.1:6379', or a"
          + " list of them for a cluster");
    } else if (node instanceof String text) {
      parseNode(text, "node", nodes, problems);
    } else if (node instanceof List<?> list && !list.isEmpty()) {
      nodeList = true;
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i) instanceof String text) {
          parseNode(text, "node[" + (i + 1) + "]", nodes, problems);
        } else {
          problems.add("field 'node[" + (i + 1) + "]' must be a redis URL string, got "
              + describe(list.get(i)));
        }
      }
    } else {
      problems.add("field 'node' must be a redis URL string or a non-empty list of them, got "
          + (node instanceof List<?> ? "an empty list" : describe(node)));
    }
    Optional<Boolean> cluster = bool(table, "cluster", problems);
    boolean isCluster = cluster.orElse(nodeList);
    if (!isCluster && nodes.size() > 1) {
      problems.add("field 'cluster' is false but 'node' lists " + nodes.size() + " URLs (a"
          + " single-node connection takes one URL; a cluster takes a list)");
    }
    boolean replicas = bool(table, "read_from_replicas", problems).orElse(false);
    Optional<String> username = string(table, "username", problems);
    Optional<Secret.Inline> password =
        string(table, "password", problems).map(Secret.Inline::new);
    Optional<Long> poolSize = Optional.empty();
    Object pool = table.get("pool_size");
    if (pool != null) {
      if (pool instanceof Long n && n > 0) {
        poolSize = Optional.of(n);
      } else {
        problems.add("field 'pool_size' must be a whole number of at least 1, got "
            + (pool instanceof Long ? pool : describe(pool)));
      }
    }
    Optional<Duration> connect = duration(table, "connect_timeout", problems);
    Optional<Duration> response = duration(table, "response_timeout", problems);
    Optional<Duration> wait = duration(table, "wait_timeout", problems);
    Optional<Duration> recycle = duration(table, "recycle_timeout", problems);
    if (!problems.isEmpty()) {
      throw new KumoApiException(function + ": " + (problems.size() == 1 ? problems.get(0)
          : problems.size() + " problems:\n" + numbered(problems)));
    }
    return new RedisOptions(nodes, isCluster, replicas, username, password, poolSize, connect,
        response, wait, recycle);
  }

  /** The nodes as errors show them, without credentials. */
  String display() {
    return nodes.stream().map(RedisNode::display).collect(Collectors.joining(", "));
  }

  /** The user name a connection authenticates as: the option, else the URL's. */
  Optional<String> usernameFor(RedisNode node) {
    return username.isPresent() ? username : node.username();
  }

  /** The password a connection authenticates with: the option, else the URL's. */
  Optional<Secret.Inline> passwordFor(RedisNode node) {
    return password.isPresent() ? password : node.password();
  }

  /** Every secret these options hold, to scrub them from any text shown. */
  List<String> secrets() {
    List<String> out = new ArrayList<>();
    password.ifPresent(p -> out.add(p.value()));
    nodes.forEach(n -> n.password().ifPresent(p -> out.add(p.value())));
    return out;
  }

  @Override
  public String toString() {
    return "RedisOptions[" + (cluster ? "cluster " : "") + display()
        + username.map(u -> ", username=" + u).orElse("")
        + password.map(p -> ", password=" + Secret.REDACTED).orElse("") + "]";
  }

  private static void parseNode(String text, String field, List<RedisNode> nodes,
      List<String> problems) {
    try {
      nodes.add(RedisNode.parse(text));
    } catch (IllegalArgumentException e) {
      problems.add("field '" + field + "': " + e.getMessage());
    }
  }

  private static Optional<Boolean> bool(Map<String, Object> table, String key,
      List<String> problems) {
    Object value = table.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Boolean b) {
      return Optional.of(b);
    }
    problems.add("field '" + key + "' must be true or false, got " + describe(value));
    return Optional.empty();
  }

  private static Optional<String> string(Map<String, Object> table, String key,
      List<String> problems) {
    Object value = table.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof String s) {
      return Optional.of(s);
    }
    problems.add("field '" + key + "' must be a string, got " + describe(value));
    return Optional.empty();
  }

  private static Optional<Duration> duration(Map<String, Object> table, String key,
      List<String> problems) {
    Object value = table.get(key);
    if (value == null) {
      return Optional.empty();
    }
    try {
      Duration d = Durations.fromValue(value);
      if (d.isZero() || d.isNegative()) {
        problems.add("field '" + key + "' must be longer than 0, got " + value);
        return Optional.empty();
      }
      return Optional.of(d);
    } catch (IllegalArgumentException e) {
      problems.add("field '" + key + "': " + e.getMessage() + " (allowed: a duration such as"
          + " '5 seconds' or '500ms', or a number of seconds)");
      return Optional.empty();
    }
  }

  private static String describe(Object value) {
    return dev.egresskit.core.policy.kumo.Values.describe(value);
  }

  private static String numbered(List<String> problems) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < problems.size(); i++) {
      out.append(i == 0 ? "" : "\n").append("  ").append(i + 1).append(") ")
          .append(problems.get(i));
    }
    return out.toString();
  }
}
