package dev.egresskit.js;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.egresskit.core.policy.support.KumoApiException;

/**
 * Parses the data files behind {@code kumo.json_load} and {@code kumo.toml_load} with Jackson and
 * re-encodes them as JSON text, which the bootstrap turns into plain JavaScript objects with the
 * engine's own {@code JSON.parse}. Going through JSON keeps the result free of Java objects and
 * gives both formats the same mapping (tables and objects become objects, arrays become arrays).
 */
final class DataFiles {
  /** The data formats a policy can load. */
  enum Format {
    JSON("json_load", "JSON"),
    TOML("toml_load", "TOML");

    final String function;
    final String label;

    Format(String function, String label) {
      this.function = function;
      this.label = label;
    }
  }

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final ObjectMapper TOML = new TomlMapper();

  private DataFiles() {}

  /**
   * Parses {@code text} and returns it as JSON text.
   *
   * @param name the path as the script wrote it, for the error text
   * @throws KumoApiException naming the file, line and column when the text does not parse
   */
  static String toJson(Format format, String name, String text) {
    JsonNode tree;
    try {
      tree = (format == Format.JSON ? JSON : TOML).readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null || at.getLineNr() < 1 ? ""
          : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new KumoApiException(format.function + ": '" + name + "' is not valid "
          + format.label + where + ": " + e.getOriginalMessage(), e);
    }
    if (tree == null || tree.isMissingNode()) {
      throw new KumoApiException(format.function + ": '" + name + "' is empty (allowed: "
          + format.label + " text)");
    }
    try {
      return JSON.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("re-encoding a parsed tree cannot fail", e);
    }
  }

  /** Encodes the plain maps, lists and scalars of a {@code SourceLookup} result as JSON text. */
  static String encode(Object plainValue) {
    try {
      return JSON.writeValueAsString(plainValue);
    } catch (JsonProcessingException e) {
      throw new KumoApiException("the resolved value cannot be handed to JavaScript: "
          + e.getOriginalMessage(), e);
    }
  }
}
