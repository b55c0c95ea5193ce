package dev.egresskit.core.policy.kumo;

import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.spec.Problem;
import dev.egresskit.core.validate.SourceFields;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The data behind {@code policy-extras.sources} (Lua) and {@code kumo.sources} (JavaScript):
 * sources and pools from TOML or JSON files, or inline tables, in KumoMTA's format:
 * <pre>
 * [source."ip-1"]              # any make_egress_source field
 * source_address = "10.0.0.1"
 * [pool."warm"."ip-1"]         # a pool entry; only `weight` (a number) is allowed
 * weight = 2
 * </pre>
 * A source starts as {@code {name = key}} and each file is merged into it (later files win, a
 * {@code name} in the data overrides the key); pool entries are appended across files in file
 * order (KumoMTA appends them in Lua's {@code pairs} order, which is unspecified). Each source
 * field is checked on its own, as KumoMTA's helper checks it; the result is cached with KumoMTA's
 * parameters (cache {@code sources_data}, 5 minutes, 10 entries), so files are read again once
 * the TTL passes.
 */
final class SourcesHelper {
  private static final Memoize.Params CACHE = new Memoize.Params("sources_data",
      Duration.ofMinutes(5), 10, true, Duration.ofSeconds(120), false, false);

  private SourcesHelper() {}

  static void register(KumoLibrary.Builder b, Memoize memoize) {
    b.real("sources.load", (a, c) -> {
      Object files = a.get(0);
      if (!(files instanceof List<?> list)) {
        throw a.wrong(0, "FILES", "a list of file names and inline tables, such as"
            + " {'sources.toml'}", files);
      }
      String key = c.files().folder() + "\n" + Serde.json(list);
      return memoize.get(CACHE, key, () -> load(list, c), c);
    });
  }

  /** Reads and checks every item, then merges them. */
  static Map<String, Object> load(List<?> items, KumoContext context) {
    Map<String, Map<String, Object>> sources = new LinkedHashMap<>();
    Map<String, Map<String, Object>> pools = new LinkedHashMap<>();
    int inline = 0;
    for (Object item : items) {
      String file;
      Object data;
      if (item instanceof String path) {
        file = path;
        data = DataFiles.load(context.files(), "sources:setup", path, path.endsWith(".toml")
            ? DataFiles.Format.TOML : DataFiles.Format.JSON);
      } else if (item instanceof Map<?, ?> || item instanceof List<?> l && l.isEmpty()) {
        file = "(inline table #" + (++inline) + ")";
        data = item;
      } else {
        throw new KumoApiException("sources:setup: each item must be a file name or an inline"
            + " table, got " + Values.describe(item));
      }
      merge(file, table(file, "the top level", data), sources, pools, context);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sources", Collections.unmodifiableMap(sources));
    out.put("pools", Collections.unmodifiableMap(pools));
    return Collections.unmodifiableMap(out);
  }

  private static void merge(String file, Map<String, Object> top,
      Map<String, Map<String, Object>> sources, Map<String, Map<String, Object>> pools,
      KumoContext context) {
    for (String key : top.keySet()) {
      if (!key.equals("source") && !key.equals("pool")) {
        throw fail(file, "SourcesHelperConfig: unknown field '" + key + "'",
            "only [source.\"<name>\"] and [pool.\"<name>\"] tables");
      }
    }
    for (Map.Entry<String, Object> e : table(file, "source", top.get("source")).entrySet()) {
      String name = e.getKey();
      Map<String, Object> params = table(file, "source '" + name + "'", e.getValue());
      for (Map.Entry<String, Object> field : params.entrySet()) {
        check(file, name, field.getKey(), field.getValue(), context);
      }
      sources.computeIfAbsent(name, n -> new LinkedHashMap<>(Map.of("name", n))).putAll(params);
    }
    for (Map.Entry<String, Object> e : table(file, "pool", top.get("pool")).entrySet()) {
      String pool = e.getKey();
      Map<String, Object> entries = table(file, "pool '" + pool + "'", e.getValue());
      @SuppressWarnings("unchecked")
      List<Object> list = (List<Object>) pools.computeIfAbsent(pool, p -> {
        Map<String, Object> def = new LinkedHashMap<>();
        def.put("name", p);
        def.put("entries", new ArrayList<>());
        return def;
      }).get("entries");
      for (Map.Entry<String, Object> entry : entries.entrySet()) {
        String where = "pool '" + pool + "' entry '" + entry.getKey() + "'";
        Map<String, Object> params = table(file, where, entry.getValue());
        for (Map.Entry<String, Object> p : params.entrySet()) {
          if (!p.getKey().equals("weight")) {
            throw fail(file, where + ": PoolSourceEntry: unknown field '" + p.getKey() + "'",
                "only weight");
          }
          if (!(p.getValue() instanceof Long || p.getValue() instanceof Double)) {
            throw fail(file, where + ": PoolSourceEntry: invalid value for field 'weight':"
                + " expected a number, got " + Values.describe(p.getValue()),
                "a whole number 0..4294967295");
          }
        }
        Map<String, Object> made = new LinkedHashMap<>(params);
        made.put("name", entry.getKey());
        list.add(Collections.unmodifiableMap(made));
      }
    }
  }

  /** One field on its own, as KumoMTA's one-field probe of make_egress_source checks it. */
  private static void check(String file, String source, String field, Object value,
      KumoContext context) {
    String where = "source '" + source + "'";
    if (!SourceFields.known(field)) {
      throw fail(file, where + ": SourceConfig: unknown field '" + field + "'",
          "the make_egress_source fields " + String.join(", ", SourceFields.all()));
    }
    List<Problem> problems = SourceFields.problems(field, value, context.here());
    if (!problems.isEmpty()) {
      String detail = problems.stream().map(p -> p.field() + ": " + p.reason())
          .collect(Collectors.joining("; "));
      throw fail(file, where + ": SourceConfig: invalid value for field '" + field + "': "
          + detail, problems.get(0).allowed());
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> table(String file, String what, Object value) {
    if (value == null || value instanceof List<?> list && list.isEmpty()) {
      return Map.of();
    }
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw fail(file, what + " must be a table, got " + Values.describe(value),
        "a table of names to tables");
  }

  private static KumoApiException fail(String file, String what, String allowed) {
    return new KumoApiException("sources: " + file + ": " + what + " (allowed: " + allowed
        + ")");
  }
}
