package dev.egresskit.core.policy.kumo;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.grammar.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code kumo.memoize(fn, params)}: caches that are global to the process and found by name, as
 * in KumoMTA. The same parameters reuse a cache; different parameters replace it. The key is the
 * JSON of the arguments (none: {@code null}, one: that value, several: an array). One caller
 * populates a key while the others wait up to {@code populate_timeout}; an error is cached for
 * 60 seconds. Time comes from an injected {@link Ticker}.
 *
 * <p>EgressKit has no configuration epoch (it reloads nothing behind the policy's back), so
 * {@code invalidate_with_epoch} is accepted and changes nothing.
 */
public final class Memoize {
  /** How long KumoMTA keeps a failed population. */
  static final Duration ERROR_TTL = Duration.ofSeconds(60);
  private static final Duration DEFAULT_POPULATE_TIMEOUT = Duration.ofSeconds(120);
  private static final Set<String> PARAMS = Set.of("name", "ttl", "capacity",
      "invalidate_with_epoch", "populate_timeout", "retry_on_populate_timeout",
      "allow_stale_reads");
  /** KumoMTA's built-in cache names (docs/reference/lruttl-caches.json). */
  private static final Set<String> BUILT_IN = Set.of("acl_check", "acl_definition",
      "dkim_key_cache", "dkim_signer_cache", "dns_resolver_ip", "dns_resolver_ipv4",
      "dns_resolver_ipv6", "dns_resolver_mx", "egress_source_pools", "egress_source_sources",
      "http_server_auth", "mod_filesystem_glob_cache", "mta_sts_policy", "rustls_client_config",
      "smtp_dispatcher_broken_tls", "smtp_dispatcher_client_certificate",
      "smtp_server_tls_config");
  private static final Memoize GLOBAL = new Memoize(Ticker.systemTicker());

  /**
   * The parameters of one cache.
   *
   * @param name     the cache name
   * @param ttl      how long a value stays
   * @param capacity how many keys are kept
   */
  public record Params(String name, Duration ttl, long capacity, boolean invalidateWithEpoch,
      Duration populateTimeout, boolean retryOnPopulateTimeout, boolean allowStaleReads) {}

  /** A populated value or the text of a failed population. */
  private record Outcome(Object value, String error) {}

  private record Named(Params params, AsyncCache<String, Outcome> cache,
      Map<String, Object> lastValues) {}

  private final Ticker ticker;
  private final Map<String, Named> caches = new ConcurrentHashMap<>();

  /** Caches on {@code ticker}'s time. */
  public Memoize(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /** The process-global caches. */
  public static Memoize global() {
    return GLOBAL;
  }

  /**
   * Reads {@code kumo.memoize}'s parameter table.
   *
   * @throws KumoApiException naming the parameter and its allowed form
   */
  public static Params params(Map<String, Object> table) {
    for (String key : table.keySet()) {
      if (!PARAMS.contains(key)) {
        throw new KumoApiException("kumo.memoize: unknown field `" + key + "`, expected one of "
            + String.join(", ", new java.util.TreeSet<>(PARAMS)));
      }
    }
    if (!(table.get("name") instanceof String name)) {
      throw new KumoApiException("kumo.memoize: missing field `name` (allowed: a string naming"
          + " the cache, such as 'user.sources')");
    }
    if (BUILT_IN.contains(name)) {
      throw new KumoApiException("cannot use name `" + name + "` for a memoize cache, as it"
          + " collides with a built-in cache. Suggestion: prefix your cache name with `user.`"
          + " to avoid conflicts with current and future caches.");
    }
    Duration ttl = duration(table, "ttl", null);
    if (!(table.get("capacity") instanceof Long capacity) || capacity < 1) {
      throw new KumoApiException("kumo.memoize: `capacity` must be a whole number of at least 1"
          + " (the number of results kept), got " + Values.describe(table.get("capacity")));
    }
    return new Params(name, ttl, capacity, flag(table, "invalidate_with_epoch"),
        duration(table, "populate_timeout", DEFAULT_POPULATE_TIMEOUT),
        flag(table, "retry_on_populate_timeout"), flag(table, "allow_stale_reads"));
  }

  /**
   * The memoized form of {@code fn}.
   *
   * @param context the calling interpreter's context (for its deadline while waiting)
   */
  public ScriptFunction wrap(ScriptFunction fn, Params params, KumoContext context) {
    Named named = caches.compute(params.name(), (name, old) ->
        old != null && old.params().equals(params) ? old : newCache(params));
    return args -> get(named, key(args), () -> fn.call(args), context);
  }

  /** Looks up {@code key} in the cache called {@code params.name()}, populating it on a miss. */
  Object get(Params params, String key, java.util.function.Supplier<Object> populate,
      KumoContext context) {
    Named named = caches.compute(params.name(), (name, old) ->
        old != null && old.params().equals(params) ? old : newCache(params));
    return get(named, key, populate, context);
  }

  /** The key of a call: the JSON of its arguments. */
  static String key(List<Object> args) {
    Object value = args.isEmpty() ? null : args.size() == 1 ? args.get(0) : args;
    return Serde.json(value);
  }

  private Named newCache(Params p) {
    AsyncCache<String, Outcome> cache = Caffeine.newBuilder()
        .ticker(ticker)
        .maximumSize(p.capacity())
        .expireAfter(new Expiry<String, Outcome>() {
          @Override
          public long expireAfterCreate(String key, Outcome value, long currentTime) {
            return (value.error() == null ? p.ttl() : ERROR_TTL).toNanos();
          }

          @Override
          public long expireAfterUpdate(String key, Outcome value, long currentTime,
              long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
          }

          @Override
          public long expireAfterRead(String key, Outcome value, long currentTime,
              long currentDuration) {
            return currentDuration;
          }
        })
        .executor(Runnable::run)
        .buildAsync();
    return new Named(p, cache, new ConcurrentHashMap<>());
  }

  private Object get(Named named, String key, java.util.function.Supplier<Object> populate,
      KumoContext context) {
    int attempts = named.params().retryOnPopulateTimeout() ? 3 : 1;
    for (int attempt = 1; ; attempt++) {
      CompletableFuture<Outcome> mine = new CompletableFuture<>();
      CompletableFuture<Outcome> existing = named.cache().asMap().putIfAbsent(key, mine);
      if (existing == null) {
        return populate(named, key, mine, populate);
      }
      try {
        return unwrap(existing.get(named.params().populateTimeout().toNanos(),
            TimeUnit.NANOSECONDS));
      } catch (TimeoutException e) {
        if (named.params().allowStaleReads() && named.lastValues().containsKey(key)) {
          return named.lastValues().get(key);
        }
        if (attempt >= attempts) {
          throw new KumoApiException("kumo.memoize: populating cache `" + named.params().name()
              + "` took longer than its populate_timeout of "
              + Durations.format(named.params().populateTimeout()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KumoApiException("kumo.memoize: interrupted while waiting for cache `"
            + named.params().name() + "`");
      } catch (ExecutionException e) {
        throw new IllegalStateException("memoize futures are completed normally", e);
      }
    }
  }

  private Object populate(Named named, String key, CompletableFuture<Outcome> mine,
      java.util.function.Supplier<Object> populate) {
    Object value;
    try {
      value = populate.get();
    } catch (RuntimeException | Error e) {
      if (Thread.currentThread().isInterrupted() || e instanceof Error) {
        // Stopped by the handler deadline, not a failure of the data: nothing to cache.
        named.cache().asMap().remove(key, mine);
        mine.complete(new Outcome(null, "population was stopped"));
      } else {
        mine.complete(new Outcome(null, e.getMessage() == null ? e.toString() : e.getMessage()));
      }
      throw e;
    }
    Object stored = Values.normalize(value);
    if (named.params().allowStaleReads() && stored != null) {
      named.lastValues().put(key, stored);
    }
    mine.complete(new Outcome(stored, null));
    return stored;
  }

  private static Object unwrap(Outcome outcome) {
    if (outcome.error() != null) {
      throw new KumoApiException(outcome.error());
    }
    return outcome.value();
  }

  private static Duration duration(Map<String, Object> table, String key, Duration fallback) {
    Object value = table.get(key);
    if (value == null) {
      if (fallback == null) {
        throw new KumoApiException("kumo.memoize: missing field `" + key + "` (allowed: a"
            + " duration such as '5 minutes', or a number of seconds)");
      }
      return fallback;
    }
    try {
      return Durations.fromValue(value);
    } catch (IllegalArgumentException e) {
      throw new KumoApiException("kumo.memoize: `" + key + "`: " + e.getMessage() + " (allowed:"
          + " a duration such as '5 minutes', or a number of seconds)");
    }
  }

  private static boolean flag(Map<String, Object> table, String key) {
    Object value = table.get(key);
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw new KumoApiException("kumo.memoize: `" + key + "` must be true or false, got "
        + Values.describe(value));
  }
}
