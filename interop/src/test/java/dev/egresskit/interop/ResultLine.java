package dev.egresskit.interop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One result reported by a JVM run inside a namespace, as a line on its standard output:
 * {@code RESULT} followed by tab-separated {@code key=value} fields. The test JVM parses these
 * from the child's log.
 *
 * @param fields the fields in order
 */
record ResultLine(Map<String, String> fields) {
  static final String PREFIX = "RESULT";

  ResultLine {
    fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** The field's value; throws naming the line if it is missing. */
  String get(String key) {
    String value = fields.get(key);
    if (value == null) {
      throw new IllegalStateException("no field " + key + " in " + this);
    }
    return value;
  }

  /** Formats fields as a result line; tabs and line breaks in values become spaces. */
  static String format(Map<String, String> fields) {
    return PREFIX + fields.entrySet().stream()
        .map(e -> "\t" + e.getKey() + "=" + e.getValue().replaceAll("[\t\r\n]+", " "))
        .collect(Collectors.joining());
  }

  /** Every result line in {@code output}; other lines (logging) are ignored. */
  static List<ResultLine> parse(String output) {
    List<ResultLine> results = new ArrayList<>();
    for (String line : output.lines().toList()) {
      if (!line.startsWith(PREFIX + "\t")) {
        continue;
      }
      Map<String, String> fields = new LinkedHashMap<>();
      for (String field : line.substring(PREFIX.length() + 1).split("\t")) {
        int eq = field.indexOf('=');
        fields.put(field.substring(0, eq), field.substring(eq + 1));
      }
      results.add(new ResultLine(fields));
    }
    return results;
  }

  /** The result whose {@code key} field equals {@code value}. */
  static ResultLine find(List<ResultLine> results, String key, String value) {
    return results.stream().filter(r -> value.equals(r.fields().get(key))).findFirst()
        .orElseThrow(() -> new AssertionError("no result with " + key + "=" + value + " in "
            + results));
  }

  @Override
  public String toString() {
    return format(fields);
  }
}
