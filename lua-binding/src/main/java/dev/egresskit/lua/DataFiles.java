package dev.egresskit.lua;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.egresskit.core.policy.support.KumoApiException;
import dev.egresskit.core.policy.support.PolicyFiles;

/**
 * {@code kumo.json_load(path)} and {@code kumo.toml_load(path)}: a data file the policy's read
 * rule ({@link PolicyFiles}) allows, parsed into plain Java maps, lists, strings, numbers and booleans. The file is read on
 * every call, so a handler that loads it sees new content once the cached source expires (the
 * purpose the seed gives {@code ttl}).
 */
final class DataFiles {
  // Mappers are thread-safe once configured; shared by every interpreter.
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TomlMapper TOML = new TomlMapper();

  private DataFiles() {}

  /** Reads and parses a JSON file. */
  static Object json(PolicyFiles files, String path) {
    return parse(JSON, "json_load", "JSON", files, path);
  }

  /** Reads and parses a TOML file. */
  static Object toml(PolicyFiles files, String path) {
    return parse(TOML, "toml_load", "TOML", files, path);
  }

  private static Object parse(ObjectMapper mapper, String function, String format,
      PolicyFiles files, String path) {
    String text = files.readText(function, path);
    try {
      return mapper.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new KumoApiException(function + ": '" + path + "' is not valid " + format + where + ": "
          + e.getOriginalMessage());
    }
  }
}
