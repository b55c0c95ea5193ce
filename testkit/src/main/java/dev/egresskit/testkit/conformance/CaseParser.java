package dev.egresskit.testkit.conformance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a case's {@code case.json} (the format {@link ConformanceCase} documents) strictly: an
 * unknown key, a missing description or a lookup without a name is an error naming the case.
 */
final class CaseParser {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> CASE_KEYS = Set.of("description", "origin", "languages",
      "files", "load_error", "sources", "pools");
  private static final Set<String> LOOKUP_KEYS = Set.of("name", "view", "error", "absent",
      "picks");

  private CaseParser() {}

  /**
   * Reads one {@code case.json}.
   *
   * @param id   the case's folder name
   * @param json the file's text
   * @throws IllegalStateException naming the case and what is wrong with the file
   */
  static ConformanceCase parse(String id, String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("case " + id + ": case.json is not valid JSON: "
          + e.getOriginalMessage(), e);
    }
    checkKeys(id, root, CASE_KEYS, "");
    if (!root.path("description").isTextual()) {
      throw new IllegalStateException("case " + id + ": case.json needs a description");
    }
    Set<String> languages = new LinkedHashSet<>(strings(id, root, "languages"));
    Map<String, List<String>> loadErrors = byLanguage(id, root, "load_error");
    return new ConformanceCase(id, root.get("description").asText(),
        root.path("origin").asText(""), languages, strings(id, root, "files"), loadErrors,
        lookups(id, root.path("sources")), lookups(id, root.path("pools")));
  }

  private static List<ConformanceCase.Lookup> lookups(String id, JsonNode array) {
    List<ConformanceCase.Lookup> out = new ArrayList<>();
    for (JsonNode node : array) {
      checkKeys(id, node, LOOKUP_KEYS, "lookup ");
      String name = node.path("name").asText(null);
      if (name == null) {
        throw new IllegalStateException("case " + id + ": a lookup has no name");
      }
      String view = node.has("view") ? node.get("view").toString() : null;
      out.add(new ConformanceCase.Lookup(name, view, byLanguage(id, node, "error"),
          strings(id, node, "absent"), strings(id, node, "picks")));
    }
    return out;
  }

  /** {@code key} and every {@code key_<language>} as fragment lists by language. */
  private static Map<String, List<String>> byLanguage(String id, JsonNode node, String key) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (field.equals(key)) {
        out.put("", strings(id, node, field));
      } else if (field.startsWith(key + "_")) {
        out.put(field.substring(key.length() + 1), strings(id, node, field));
      }
    }
    return out;
  }

  private static List<String> strings(String id, JsonNode node, String key) {
    JsonNode array = node.path(key);
    if (array.isMissingNode()) {
      return List.of();
    }
    if (!array.isArray()) {
      throw new IllegalStateException("case " + id + ": " + key + " must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    array.forEach(item -> out.add(item.asText()));
    return out;
  }

  private static void checkKeys(String id, JsonNode node, Set<String> allowed, String what) {
    Function<String, Boolean> known = k -> allowed.contains(k)
        || (k.startsWith("error_") && allowed.contains("error"))
        || (k.startsWith("load_error_") && allowed.contains("load_error"));
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.apply(key)) {
        throw new IllegalStateException("case " + id + ": unknown " + what + "key '" + key
            + "' (allowed: " + allowed + ", plus error_<language>)");
      }
    }
  }
}
